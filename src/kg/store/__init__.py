"""The store step: reading RDF files and holding the graph for every step after it.

- :mod:`kg.store.load`: the project's files (ontology, shapes, data, workspace) parsed into
  rdflib, one named graph per file, errors naming file and line;
- :mod:`kg.store.ntriples`: files read as N-Triples with their terms as written;
- :mod:`kg.store.oxigraph`: an Oxigraph store of the same files;
- :mod:`kg.store.fast`: the files loaded for the pipeline for large graphs;
- :mod:`kg.store.sparql`: SPARQL on either engine, each query stoppable (deadline, row limit,
  Ctrl-C, a reader gone), language tags in registered case;
- :mod:`kg.store.sparqltext`: query text at the token level (WHERE, LANG calls, SERVICE);
- :mod:`kg.store.service`: SERVICE calls through a loopback relay with a deadline per call;
- :mod:`kg.store.results`: the results and graph formats, written row by row;
- :mod:`kg.store.tags`: language tags back in registered case after pyoxigraph.
"""
