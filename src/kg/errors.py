"""Errors the command line turns into a one-line message and exit code 2 (1 for violations)."""


class KgError(Exception):
    """A user-facing error: bad input, a missing file, an impossible request."""

    exit_code = 2

    def for_terminal(self) -> str:
        """What `kg` prints for this error before exiting with status 2."""
        return f"kg: error: {self}"


class QueryError(KgError):
    """A query that is wrong in itself, whatever the graph: a syntax error, an undeclared
    prefix, an update, an ill-formed literal, a SERVICE endpoint that is no HTTP endpoint.
    ``kg serve`` answers it with HTTP 400 (the client's error), not 500."""


class Violations(KgError):
    """The input is well formed but violates the shapes or checks: exit code 1, as
    ``kg validate`` and ``kg import`` (1 means violations only)."""

    exit_code = 1
