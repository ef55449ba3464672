"""The explore step: network analysis and interactive pictures of the graph.

- :mod:`kg.explore.network`: the graph as a networkx view (selection by theme, class, focus);
- :mod:`kg.explore.analyze`: centrality, communities, coverage, explanation paths;
- :mod:`kg.explore.viz`: self-contained vis-network pages.
"""
