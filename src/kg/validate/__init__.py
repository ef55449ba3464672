"""The validate step: SHACL shapes, SPARQL checks that cross nodes, and the quote check.

- :mod:`kg.validate.report`: validation of loaded graphs and the report (entry point
  :func:`kg.validate.report.validate_files`);
- :mod:`kg.validate.engines`: one interface to the SHACL engines (pySHACL is the reference);
- :mod:`kg.validate.lexical`: literals outside their XSD datatype's lexical space, reported
  on every engine and path;
- :mod:`kg.validate.partitions`: exact partitions for validating large graphs piecewise;
- :mod:`kg.validate.store`: validation on an Oxigraph store, whole or after an import;
- :mod:`kg.validate.reasoner`: OWL 2 consistency under HermiT.
"""
