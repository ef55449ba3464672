"""Synthetic county graphs in the project's model over the real division codes, for
benchmarks and scale tests (``kg synth``); :mod:`kg.synth.generate` does the work."""

from kg.synth.generate import (TOTAL_COUNTIES, VIOLATION_KINDS, SourceTexts, county_codes, curated_files,
                               divisions, graph_name, pick, planned_violations, source_text, store, synthesize,
                               write)

__all__ = ["TOTAL_COUNTIES", "VIOLATION_KINDS", "SourceTexts", "county_codes", "curated_files", "divisions",
           "graph_name", "pick", "planned_violations", "source_text", "store", "synthesize", "write"]
