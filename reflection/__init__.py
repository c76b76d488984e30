"""Reflection: guided reflection journals and a deficit-language check for educators."""

__version__ = "0.1.0"
