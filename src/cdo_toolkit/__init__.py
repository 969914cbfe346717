"""cdo-toolkit: the data-governance toolkit of the Liberec Region's Chief Data Officer."""

__version__ = "0.1.0"
