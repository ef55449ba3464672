"""Engines outside the embedded store: any SPARQL 1.1 Protocol endpoint, Apache Jena and Virtuoso.

- :mod:`kg.engines.http`: credentials from the environment (HTTP Basic, Digest or a bearer
  token) and one-line errors for every way a request can fail; shared by ``kg push`` and the
  endpoint client.
- :mod:`kg.engines.remote`: a SPARQL 1.1 Protocol client; ``kg query --endpoint``.
- :mod:`kg.engines.jena`: Debian's Apache Jena jars run from Python (RIOT, the TDB2 bulk
  loader, ARQ, Jena SHACL).
- :mod:`kg.engines.virtuoso`: a private Virtuoso server (its own database folder, loopback
  ports) with its bulk loader.

The two engines are what the catalog, the exports and the validation are checked on
(tests/test_jena.py, tests/test_virtuoso.py) and what ``benchmarks/bench.py`` measures beside
the embedded store; docs/deployment.md describes a deployment on either.
"""
