"""The publish step: the graph handed to others.

- :mod:`kg.publish.export`: Turtle, N-Triples, JSON-LD and TriG of the project;
- :mod:`kg.publish.ntexport`: the same from N-Triples text, for large graphs;
- :mod:`kg.publish.serve`: the read-only SPARQL endpoint and query editor (`kg serve`);
- :mod:`kg.publish.protocol`: the SPARQL 1.1 Protocol's query operation;
- :mod:`kg.publish.source`: what the endpoint answers from (the project, an on-disk store);
- :mod:`kg.publish.isolate`: each query in a process of its own, killed when it must stop;
- :mod:`kg.publish.push`: upload to a Graph Store Protocol endpoint;
- :mod:`kg.publish.docs`: the ontology's documentation (pyLODE).
"""
