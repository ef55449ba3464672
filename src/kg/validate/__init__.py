"""The validate step: SHACL shapes, SPARQL checks that cross nodes, and the quote check.

- :mod:`kg.validate.report`: the report, and the rdflib validation of loaded graphs (the
  reference the store's validation is tested against, and graphs made in code);
- :mod:`kg.validate.engines`: one interface to the SHACL engines (pySHACL is the reference);
- :mod:`kg.validate.lexical`: literals outside their XSD datatype's lexical space, reported
  on every engine and path (the lexical spaces themselves: :mod:`kg.validate.xsd`);
- :mod:`kg.validate.partitions`: exact partitions for validating large graphs piecewise;
- :mod:`kg.validate.store`: validation of a generation of the store, whole or of what
  changed, and the record kept beside it (entry point :func:`kg.validate.store.validate`,
  the path every command takes);
- :mod:`kg.validate.reasoner`: OWL 2 consistency under HermiT.
"""
