"""Logging for the ``kg`` program, configured once when it starts (the group's callback).

What reaches the terminal is county-kg's own output. The libraries county-kg uses log for
their own developers: pyLODE calls ``logging.basicConfig(level=DEBUG)`` when imported, after
which the root logger prints ``INFO:root:Loading background ontologies from RDF files`` and
asyncio's ``DEBUG:asyncio:Using selector: EpollSelector``; rdflib logs a warning with a full
traceback for every ill-typed literal it reads (county-kg reports those as validation results,
kg.validate.lexical); rdflib's serializer warns through the ``warnings`` module. So:

- by default only records of county-kg's loggers (``kg``, ``kg.*``) are shown, from INFO up;
  no library record is even created below WARNING, and no library record is shown;
- ``-v``: also library warnings and errors, one line each, without tracebacks;
- ``-vv``: every record, DEBUG included, with tracebacks.

Warnings of the ``warnings`` module go to the ``py.warnings`` logger (as with
``logging.captureWarnings``), so they follow the same rules.
"""

from __future__ import annotations

import logging
import sys
import warnings

OWN = "kg"


class _Terminal(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (click's test runner swaps it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class _Gate(logging.Filter):
    def __init__(self, verbosity: int):
        super().__init__()
        self.verbosity = verbosity

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == OWN or record.name.startswith(OWN + "."):
            return True
        return self.verbosity >= 2 or (self.verbosity == 1 and record.levelno >= logging.WARNING)


class _OneLine(logging.Formatter):
    """``name: LEVEL: message`` on one line; the traceback only at ``-vv``."""

    def __init__(self, tracebacks: bool):
        super().__init__("%(name)s: %(levelname)s: %(message)s")
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if record.name == OWN or record.name.startswith(OWN + "."):
            text = f"kg: {record.getMessage()}"
        else:
            text = super().formatMessage(_with_message(record))
        if self.tracebacks and record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text.splitlines()[0] if not self.tracebacks else text


def _with_message(record: logging.LogRecord) -> logging.LogRecord:
    record.message = record.getMessage()
    return record


def _warning_to_log(message, category, filename, lineno, file=None, line=None) -> None:
    logging.getLogger("py.warnings").warning("%s: %s", category.__name__, message)


def configure(verbosity: int = 0) -> None:
    """Set up the program's logging (see the module's docstring); calling it again replaces
    the previous set-up. ``verbosity``: 0, 1 (``-v``) or 2 and more (``-vv``)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _Terminal):
            root.removeHandler(handler)
    handler = _Terminal()
    handler.addFilter(_Gate(verbosity))
    handler.setFormatter(_OneLine(tracebacks=verbosity >= 2))
    # A handler on the root logger first: a library's later logging.basicConfig() is then a no-op.
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbosity >= 2 else logging.WARNING)
    logging.getLogger(OWN).setLevel(logging.DEBUG if verbosity >= 1 else logging.INFO)
    warnings.showwarning = _warning_to_log
