"""The ``cdo`` command line: thin typer commands over the library."""
