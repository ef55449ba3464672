"""The ``kg`` command line: one thin module per group of commands, each command one library
call (:mod:`kg.cli.main` holds the group and the program).
"""

from kg.cli.main import main, run

__all__ = ["main", "run"]
