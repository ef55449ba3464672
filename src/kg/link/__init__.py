"""The link step: other people's tables and datasets joined to the graph.

- :mod:`kg.link.gazetteer`: the national gazetteer generated from the division codes;
- :mod:`kg.link.resolve`: place names and codes to places;
- :mod:`kg.link.values`: figures as Chinese tables write them, in base units;
- :mod:`kg.link.importer`: ``kg import`` of an indicator table into the workspace;
- :mod:`kg.link.discover`: ``kg link``, links to another dataset's entities.
"""
