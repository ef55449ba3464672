"""Errors the command line turns into a one-line message and exit code 2."""


class KgError(Exception):
    """A user-facing error: bad input, a missing file, an impossible request."""
