"""khachhang — customer-management domain models from Vietnamese business practice."""

from khachhang._version import __version__

__all__ = ["__version__"]
