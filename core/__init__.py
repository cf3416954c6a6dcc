"""socialplan core: domain model, services, web layer, report engine and plugin manager."""

__version__ = "0.1.0"
