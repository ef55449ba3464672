"""The publish step: the graph handed to others.

- :mod:`kg.publish.export`: Turtle, N-Triples, JSON-LD and TriG of the project;
- :mod:`kg.publish.ntexport`: the same from N-Triples text, for large graphs;
- :mod:`kg.publish.serve`: the read-only SPARQL endpoint;
- :mod:`kg.publish.push`: upload to a Graph Store Protocol endpoint;
- :mod:`kg.publish.docs`: the ontology's documentation (pyLODE).
"""
