"""Governance policies as code: rules over the registry, kept as data in ``policies/``."""
