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


def endpoint_options(func):
    """--endpoint, --default-graph and --timeout: read the graph from a SPARQL 1.1 Protocol
    endpoint instead of the local files (the command gets ``endpoint``, ``default_graphs`` and
    ``timeout``; kg.query.readers.Origin takes the three)."""
    func = click.option("--timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
                        help="With --endpoint: stop waiting for the endpoint after this long (exit 2); "
                             "0 for no limit.  [default: 60]")(func)
    func = click.option("--default-graph", "default_graphs", multiple=True, metavar="IRI",
                        help="With --endpoint: a graph the queries read as their default graph (repeatable).")(func)
    return click.option("--endpoint", metavar="URL", default=None,
                        help="Read the graph from this SPARQL 1.1 Protocol endpoint instead of the local files "
                             "(credentials as for kg push).")(func)
