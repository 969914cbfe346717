"""Lineage: every run recorded as OpenLineage events; column lineage of SQL builds."""
