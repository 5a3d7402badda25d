"""Headless core of the line-inspection station: no Qt import, ever."""

__version__ = "0.1.0"
