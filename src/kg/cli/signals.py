"""How a signal stops a command: Ctrl-C (SIGINT), SIGTERM and SIGHUP alike.

Imports nothing but the standard library's signal handling, so that the ``kg`` program can
install it before it imports anything else (kg.cli.run).
"""

from __future__ import annotations

import signal

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
    broken off. A signal that arrives while Python runs a finalizer (``__del__``, e.g.
    pyparsing's Forward.__del__) is not raised there, where Python would print "Exception
    ignored" and drop it: it is delivered again a moment later, once the finalizer is over."""
    for name in STOP_SIGNALS:
        signal.signal(getattr(signal, name), _stop)


def _stop(signum, frame) -> None:
    if _in_finalizer(frame):
        import threading

        threading.Timer(_AGAIN_AFTER, _deliver_again, (signum,)).start()
        return
    for name in STOP_SIGNALS:
        # a handler that does nothing, not SIG_IGN: a signal already caught but not yet
        # handled would then fail with "Signal N ignored due to race condition"
        signal.signal(getattr(signal, name), _ignore)
    raise Interrupted(signum)


#: Seconds after which a signal that came during a finalizer is delivered again.
_AGAIN_AFTER = 0.01


def _in_finalizer(frame) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def _deliver_again(signum: int) -> None:
    import _thread

    _thread.interrupt_main(signum)  # as if it had just arrived; handled by _stop in the main thread


def _ignore(_signum, _frame) -> None:
    pass
