"""The ``kg`` command line: one thin module per group of commands, each command one library
call (:mod:`kg.cli.main` holds the group and the program).

The program (:func:`run`) handles Ctrl-C, SIGTERM and SIGHUP before it imports the command
line: a signal while the libraries load (a third of a second and more) is one line and exit
code 128 + N, like one during the command, never a traceback.
"""


def run() -> None:
    """The ``kg`` program (kg.cli.main.run), its stop signals handled first (kg.cli.signals)."""
    import sys

    from kg.cli.signals import Interrupted, handle_stop_signals

    handle_stop_signals()
    try:
        from kg.cli.main import run as run_program

        run_program()
    except KeyboardInterrupt as exc:  # before a command began (the program still starting)
        print("kg: interrupted", file=sys.stderr)
        sys.exit(exc.exit_code if isinstance(exc, Interrupted) else Interrupted.exit_code_of())


def __getattr__(name: str):
    if name == "main":  # the click group, imported when asked for (tests run commands through it)
        from kg.cli.main import main

        # importing the module kg.cli.main bound the name to the module: bind it to the group
        globals()["main"] = main
        return main
    raise AttributeError(f"module 'kg.cli' has no attribute {name!r}")


__all__ = ["main", "run"]
