"""The build: it conducts every step, from the sources to the written outputs, one pipeline
for every size of graph.

- :mod:`kg.build.pipeline`: ``kg build`` (entry point :func:`kg.build.pipeline.build`) and
  ``kg validate`` (:func:`kg.build.pipeline.validate`);
- :mod:`kg.build.summary`: counts of what the graph holds;
- :mod:`kg.build.outcome`: what a build that does not conform raises.
"""
