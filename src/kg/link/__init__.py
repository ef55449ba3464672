"""The link step: other people's tables and datasets joined to the graph.

Parsers other steps reuse (each a public function with its rules in its docstring):

- :mod:`kg.link.history`: the national code history 1981-2024 (records, parents at the time,
  successors, splits, partial transfers);
- :mod:`kg.link.gazetteer`: the places generated from the NBS codes and the history
  (``load_gazetteer``, ``generate``);
- :mod:`kg.link.resolve`: place codes and names, in the codes and names of a year, to the
  division then and the place today (``PlaceResolver.resolve``, ``parse_code``);
- :mod:`kg.link.values`: figures as Chinese tables write them, in base units (``parse_value``,
  ``parse_unit``);
- :mod:`kg.link.periods`: periods as bulletins write them (``parse_period``);
- :mod:`kg.link.indicators`: indicator names without yearbook decorations (``indicator_name``);
- :mod:`kg.link.text`: the width folding they share (``fold_width``).

Commands: :mod:`kg.link.importer` (``kg import`` of an indicator table into the workspace) and
:mod:`kg.link.discover` (``kg link``, links to another dataset's entities).
"""
