"""county-kg: an open, linked knowledge graph of county-level policies, programs and outcomes."""

from __future__ import annotations

import sys

__version__ = "0.1.0"


def _configure_rdflib(rdflib) -> None:
    """Literals keep their lexical form as written. rdflib's default rewrites a typed literal
    through its Python conversion while parsing ("5.8e8"^^xsd:decimal becomes
    "580000000"^^xsd:decimal): a value the user wrote would be silently changed, and
    validation would never see the ill-formed form that Oxigraph treats as an error
    (kg.validate.lexical)."""
    rdflib.NORMALIZE_LITERALS = False
    import logging

    logging.getLogger("rdflib.term").addFilter(_IllTypedLiteralRecords())


class _WhenRdflibIsImported:
    """Configures rdflib (:func:`_configure_rdflib`) the moment it is first imported, so that
    importing county-kg does not import rdflib: the ``kg`` program installs its Ctrl-C
    handling first thing, and rdflib alone takes a third of a second to import, during which
    Ctrl-C would print a traceback. (An import system finder: Python asks it first.)"""

    def find_spec(self, name, path=None, target=None):
        if name != "rdflib":
            return None
        import importlib.util

        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            execute = spec.loader.exec_module

            def exec_module(module) -> None:
                execute(module)
                _configure_rdflib(module)

            spec.loader.exec_module = exec_module
        return spec


class _IllTypedLiteralRecords:
    """rdflib logs every ill-typed literal it reads as a warning with a traceback; county-kg
    reports each one as a validation result instead (kg.validate.lexical). (A logging filter,
    installed with rdflib: importing county-kg imports nothing the ``kg`` program needs
    before its Ctrl-C handling.)"""

    def filter(self, record) -> bool:  # a logging.LogRecord
        return not str(record.msg).startswith("Failed to convert Literal lexical form to value")


if "rdflib" in sys.modules:
    _configure_rdflib(sys.modules["rdflib"])
else:
    sys.meta_path.insert(0, _WhenRdflibIsImported())
