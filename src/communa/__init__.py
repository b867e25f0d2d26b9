"""Communa: a self-hosted community platform with a built-in SMM workbench."""

__version__ = "0.1.0"
