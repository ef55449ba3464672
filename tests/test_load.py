"""Loading: named graphs per file, errors naming file and line, the explorable view."""

from __future__ import annotations

import pytest

from kg.errors import KgError
from kg.load import graph_name, parse_file
from kg.namespaces import PLACE, RDFS


def test_every_file_has_its_named_graph(project):
    assert len(project.files) == len(set(project.files.values()))
    for name, path in project.files.items():
        assert name == graph_name(path)
        assert len(project.dataset.graph(name)) > 0, path


def test_explorable_leaves_out_unreferenced_gazetteer_places(project):
    union, explorable = project.union(), project.explorable()
    beijing_dongcheng = PLACE["110101"]
    assert (beijing_dongcheng, None, None) in union
    assert (beijing_dongcheng, None, None) not in explorable
    for code in ("530681", "530630", "5306", "53"):  # referenced by the article's data
        assert set(explorable.objects(PLACE[code], RDFS.label)) == set(union.objects(PLACE[code], RDFS.label))
    assert len(explorable) < len(union) // 5


def test_malformed_turtle_names_the_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c .\nex:d ex:e .\n", encoding="utf-8")
    with pytest.raises(KgError, match=r"bad\.ttl:4: Turtle syntax error"):
        parse_file(bad)


def test_unknown_file_type_is_an_error(tmp_path):
    odd = tmp_path / "data.xlsx"
    odd.write_bytes(b"")
    with pytest.raises(KgError, match="unknown RDF file type"):
        parse_file(odd)
