"""workbench: a terminal workbench for foreign-language news."""

__version__ = "0.1.0"
