"""Quality scores of each source, computed in the warehouse, and the CDO's audit."""
