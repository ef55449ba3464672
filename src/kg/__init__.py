"""county-kg: an open, linked knowledge graph of county-level policies, programs and outcomes."""

import logging

import rdflib

__version__ = "0.1.0"

# Literals keep their lexical form as written. rdflib's default rewrites a typed literal
# through its Python conversion while parsing ("5.8e8"^^xsd:decimal becomes
# "580000000"^^xsd:decimal): a value the user wrote would be silently changed, and validation
# would never see the ill-formed form that Oxigraph treats as an error (kg.validate.lexical).
rdflib.NORMALIZE_LITERALS = False


class _IllTypedLiteralRecords(logging.Filter):
    """rdflib logs every ill-typed literal it reads as a warning with a traceback; county-kg
    reports each one as a validation result instead (kg.validate.lexical)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form to value")


logging.getLogger("rdflib.term").addFilter(_IllTypedLiteralRecords())
