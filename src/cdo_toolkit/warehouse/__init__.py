"""The warehouse: validated submissions loaded into DuckDB or PostgreSQL, with their history."""
