"""county-kg: an open, linked knowledge graph of county-level policies, programs and outcomes."""

__version__ = "0.1.0"
