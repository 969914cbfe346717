"""Publication of the registry's public sources as a DCAT-AP-CZ open-data catalogue."""
