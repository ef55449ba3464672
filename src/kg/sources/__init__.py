"""The sources step: scraped documents cleaned into the texts the graph quotes.

- :mod:`kg.sources.clean`: the registry of sources (``data/sources/sources.toml``), cleaning
  (entry point :func:`kg.sources.clean.clean_source`) and the RDF description of a source;
- :mod:`kg.sources.quote`: find a passage and write its evidence block.
"""
