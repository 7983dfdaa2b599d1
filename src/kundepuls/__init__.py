"""kundepuls: self-hosted customer-experience measurement."""

__version__ = "0.1.0"
