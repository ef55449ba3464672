"""The query step: the question catalog and SPARQL over the graph.

- :mod:`kg.query.catalog`: the ``queries/*.rq`` files and their headers;
- :mod:`kg.query.engines`: parameters bound as RDF terms, run on Oxigraph or rdflib (entry
  point :func:`kg.query.engines.run_query`);
- :mod:`kg.query.answers`: every question answered on a store, as the build writes them.
"""
