"""Options and exit codes shared by the commands."""

from __future__ import annotations


import click


EXIT_VIOLATIONS = 1



EXIT_ERROR = 2

#: A score or threshold: a number from 0 to 1 (an option outside it is a usage error, exit 2).
SCORE = click.FloatRange(0.0, 1.0)
#: Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report a process the signal ended.
EXIT_INTERRUPTED = 130



def output_option(default: str | None = None, help_text: str = "Output file ('-' for standard output)."):
    return click.option("-o", "--output", default=default, required=default is None, show_default=default is not None,
                        help=help_text)



def force_option(func):
    return click.option("--force", is_flag=True,
                        help="Replace an existing output file even if it carries no county-kg generator mark "
                             "(kg replaces only files it marked as its own).")(func)



def lang_option(func):
    return click.option("--lang", type=click.Choice(["zh-Hans", "zh-Hant", "en"]), default="en", show_default=True,
                        help="Language of labels in the output.")(func)



def quiet_option(func):
    return click.option("-q", "--quiet", is_flag=True, help="Print only the final report.")(func)



def _progress(quiet: bool):
    return (lambda _m: None) if quiet else (lambda message: click.echo(message, err=True))



class RdfFile(click.ParamType):
    """An RDF file the command reads. A missing file, a directory or an unreadable file is
    refused before any work, with the library's one-line message and exit 2."""

    name = "file"

    def convert(self, value, param, ctx):
        from kg.store.syntax import rdf_file

        return rdf_file(value)
