"""Validation of submitted files: dialect and encoding detection, structure and value checks."""
