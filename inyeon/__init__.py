"""Inyeon (인연): an open-source CRM whose customer analytics drive its operational work."""

__version__ = "0.1.0"
