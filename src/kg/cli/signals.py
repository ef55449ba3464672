"""How a signal stops a command: Ctrl-C (SIGINT), SIGTERM and SIGHUP alike.

Imports nothing but the standard library's signal handling, so that the ``kg`` program can
install it before it imports anything else (kg.cli.run).
"""

from __future__ import annotations

import signal
import sys

#: The signals that stop a command as Ctrl-C does: a terminal's interrupt, `kill` or
#: `timeout` (SIGTERM), a closed terminal or SSH session (SIGHUP).
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


class Interrupted(KeyboardInterrupt):
    """A command stopped by one of :data:`STOP_SIGNALS`. A KeyboardInterrupt, so everything
    that cleans up after Ctrl-C (temporary files, staging directories, query processes)
    cleans up after SIGTERM and SIGHUP too; exit code 128 + the signal's number."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__()
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @staticmethod
    def exit_code_of(signum: int = signal.SIGINT) -> int:
        return 128 + signum


def handle_stop_signals() -> None:
    """Make every one of :data:`STOP_SIGNALS` raise :class:`Interrupted` in the main thread,
    once: the first ignores the others from then on, so the cleanup it starts is not itself
    broken off. A signal that arrives while Python runs a finalizer (``__del__``) is not lost:
    the interpreter cannot raise it there, so it is delivered again right after
    (:func:`_deliver_again`), instead of being printed as "Exception ignored" and dropped."""
    for name in STOP_SIGNALS:
        signal.signal(getattr(signal, name), _stop)
    sys.unraisablehook = _deliver_again


def _stop(signum, _frame) -> None:
    for name in STOP_SIGNALS:
        # a handler that does nothing, not SIG_IGN: a signal already caught but not yet
        # handled would then fail with "Signal N ignored due to race condition"
        signal.signal(getattr(signal, name), _ignore)
    raise Interrupted(signum)


def _ignore(_signum, _frame) -> None:
    pass


def _deliver_again(unraisable) -> None:
    if isinstance(unraisable.exc_value, Interrupted):
        signum = unraisable.exc_value.signum
        signal.signal(signum, _stop)  # raised again as soon as the finalizer is over
        signal.raise_signal(signum)
        return
    sys.__unraisablehook__(unraisable)
