"""The ``kg`` command line: a thin layer, one library call per command; this module holds the
group, registers every command module's commands, and runs the program."""

from __future__ import annotations

import errno

import click

from kg import __version__
from kg.cli.options import EXIT_CLOSED_OUTPUT, EXIT_ERROR, Interrupted, quiet_stdout
from kg.errors import KgError


#: Every command: its module and object, imported only when the command is run (or listed by
#: ``kg --help``): a command loads only its own module, so `kg query` does not import what
#: `kg build` or `kg serve` need (click's lazily loaded subcommands pattern).
COMMANDS = {
    "source": "kg.cli.source:source", "validate": "kg.cli.validate:validate", "reason": "kg.cli.validate:reason",
    "build": "kg.cli.build:build", "export": "kg.cli.build:export_command", "query": "kg.cli.query:query",
    "serve": "kg.cli.serve:serve", "push": "kg.cli.serve:push", "viz": "kg.cli.explore:viz",
    "analyze": "kg.cli.explore:analyze", "gazetteer": "kg.cli.link:gazetteer", "import": "kg.cli.link:import_table",
    "link": "kg.cli.link:link", "synth": "kg.cli.synth:synth", "extract": "kg.cli.curate:extract",
    "curate": "kg.cli.curate:curate",
}


class KgGroup(click.Group):
    """Loads each command when it is asked for (:data:`COMMANDS`), and runs it inside the one
    place that decides how a command ends:

    - a KgError anywhere below: a one-line message, exit code 2 (1 for
      kg.errors.Violations: violations only); so is any OSError (a name
      too long, a loop of links, a path through a file: kg.paths.os_error);
    - Ctrl-C, SIGTERM or SIGHUP (:class:`kg.cli.options.Interrupted`): one line, exit code
      128 + the signal (130 for Ctrl-C); the files being written were removed on the way up
      (kg.atomic, kg.outputs);
    - the reader of standard output gone (``kg ... | head``): quietly, exit code 141, as for
      any program SIGPIPE stops; standard output is flushed here, so that this holds for every
      command and every format, not only for those that write row by row;
    - the files the command reads and the outputs it claims are remembered for the length of
      the command (kg.outputs.command), so no output is one of its inputs."""

    def invoke(self, ctx: click.Context):
        import sys

        try:
            # imported inside: a Ctrl-C while they load is the command's, not click's "Aborted!"
            from kg import outputs

            with outputs.command(None):
                result = super().invoke(ctx)
                sys.stdout.flush()
                return result
        except KgError as exc:
            click.echo(exc.for_terminal(), err=True)
            _settle_stdout()
            ctx.exit(getattr(exc, "exit_code", EXIT_ERROR))
        except KeyboardInterrupt as exc:
            click.echo("kg: interrupted", err=True)
            ctx.exit(exc.exit_code if isinstance(exc, Interrupted) else Interrupted.exit_code_of())
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                quiet_stdout()
                ctx.exit(EXIT_CLOSED_OUTPUT)
            from kg.paths import os_error

            click.echo(os_error(exc).for_terminal(), err=True)
            _settle_stdout()
            ctx.exit(EXIT_ERROR)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """As click's, but a usage error (an unknown option, a value out of range) is one line,
        ``kg: error: <what> (see 'kg COMMAND --help')``, exit code 2, like every other error:
        click's own form is four lines (usage, hint, blank line, error). The program is always
        called ``kg``, however it was started (``python -m kg``)."""
        import sys

        if not standalone_mode:
            return super().main(args, "kg", complete_var, standalone_mode, **extra)
        try:
            returned = super().main(args, "kg", complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # `kg` alone: the help, as click gives it
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            click.echo(f"kg: error: {' '.join(exc.format_message().split()).rstrip('.')}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"kg: error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:  # Ctrl-C in a prompt of click's own
            click.echo("kg: interrupted", err=True)
            sys.exit(Interrupted.exit_code_of())
        sys.exit(returned if isinstance(returned, int) else 0)

    def make_context(self, info_name, args, parent=None, **extra):
        # Ctrl-C while the arguments are parsed: the same line and exit code as during the
        # command (click itself would print "Aborted!" and exit 1)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt as exc:
            click.echo("kg: interrupted", err=True)
            raise click.exceptions.Exit(exc.exit_code if isinstance(exc, Interrupted)
                                        else Interrupted.exit_code_of()) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            import importlib

            module, attribute = COMMANDS[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return self.commands.get(name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        from kg import outputs

        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            outputs.name_command(f"kg {command.name}")
        return name, command, rest


def _settle_stdout() -> None:
    """After an error: what standard output still buffers is written now, or, when it cannot
    be (`kg export -o - > /dev/full`: no space left), dropped, so that the interpreter's own
    flush at exit does not fail again with a traceback and exit code 120."""
    import sys

    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        quiet_stdout()


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
@click.option("-v", "--verbose", count=True,
              help="Show more: -v library warnings (one line each), -vv every log record with tracebacks.")
def main(verbose: int) -> None:
    """county-kg: a linked knowledge graph of county policies, programs and outcomes."""
    from kg.cli.logs import configure

    configure(verbose)


def run() -> None:
    """The `kg` program: the command line, then a quick exit.

    A command over a national graph leaves millions of rdflib objects behind. The process is
    about to end and the OS takes its memory back, but the interpreter's final garbage
    collection would first walk them all: about 8 s of the 69 s `kg import` took into a
    1M-triple workspace.
    Freezing them first (gc.freeze) skips that walk; it only runs as the program, never
    in-process (tests call `main`), where frozen objects would never be collected.

    Ctrl-C, SIGTERM and SIGHUP (kg.cli.signals.STOP_SIGNALS) raise
    :class:`kg.cli.signals.Interrupted` once; a second one is ignored, so that it cannot break
    off the removal of what the command was writing (or print a traceback from it). kg.cli.run
    installs that before it imports this module; here it is installed again for callers of
    this function."""
    import gc

    from kg.cli.options import whole_stdout
    from kg.cli.signals import handle_stop_signals

    handle_stop_signals()
    whole_stdout()
    try:
        main()
    except SystemExit as exc:
        _leave_a_running_engine(exc)
        raise
    finally:
        gc.freeze()


def _leave_a_running_engine(exc: SystemExit) -> None:
    """A query stopped at its deadline or by Ctrl-C, or any call into the store Ctrl-C stopped
    (a bulk load, a query of the static site: kg.store.engine), may still run in the engine's
    own thread (Oxigraph cannot be interrupted within a step). Finalizing the interpreter under
    it made the engine call back into Python after Python was gone: a Rust panic printed after
    the one-line message, or a segmentation fault. The process ends here instead, its output
    flushed, without finalizing (the command's own clean-up has run on the way up)."""
    import os
    import sys

    from kg.store.engine import engine_running

    if not engine_running():
        return
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
