"""The build: it conducts every step, from the sources to the written outputs.

- :mod:`kg.build.pipeline`: ``kg build`` (entry point :func:`kg.build.pipeline.build`);
- :mod:`kg.build.large`: the same for large graphs;
- :mod:`kg.build.summary`: counts of what the graph holds;
- :mod:`kg.build.outcome`: what a build that does not conform raises.
"""
