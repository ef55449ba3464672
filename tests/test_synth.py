"""kg synth: a deterministic synthetic county graph in the project's model (small sizes only)."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from types import SimpleNamespace
from kg.validate import store as vstore
from kg import synth
from kg.cli import main
from kg.errors import KgError

BASE = synth.curated_files()


def _lines(counties: int, seed: int = 7, violations: int = 0, **options) -> list[str]:
    return list(synth.synthesize(counties, seed, violations, base=BASE, **options))


def test_deterministic_per_seed():
    assert _lines(3, 7) == _lines(3, 7)
    assert _lines(3, 7) != _lines(3, 8)


def test_about_350_triples_per_county():
    one, eleven = len(_lines(1)), len(_lines(11))
    per_county = (eleven - one) / 10
    assert 300 <= per_county <= 420, per_county


def test_real_division_codes_spread_over_the_country():
    every = synth.divisions().counties
    assert len(every) == synth.TOTAL_COUNTIES == 2978
    assert len(synth.pick(5000)) == 2978
    chosen = synth.pick(31)
    assert len({c.code for c in chosen}) == 31
    assert len({c.code[:2] for c in chosen}) >= 20  # spread over the provinces
    with pytest.raises(KgError):
        synth.pick(0)


def test_a_county_is_the_same_whatever_is_generated_with_it():
    code = synth.pick(4)[0].code  # the first division is in every pick
    assert code in synth.county_codes(9)
    suffix = f"<{synth.graph_name(code)}> .\n"

    def county(lines: list[str]) -> list[str]:
        return [line for line in lines if line.endswith(suffix)]

    assert county(_lines(4, 5, graphs=True))
    assert county(_lines(4, 5, graphs=True)) == county(_lines(9, 5, graphs=True))


def test_parses_and_turtle_is_the_same_graph(tmp_path):
    nt, ttl = tmp_path / "s.nt", tmp_path / "s.ttl"
    written = synth.write(nt, 3, 7, 2, base=BASE)
    synth.write(ttl, 3, 7, 2, base=BASE)
    a, b = ox.Store(), ox.Store()
    a.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    b.bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE)
    assert len(a) == written.triples == len(b)
    assert set(a) == set(b)


def test_model_shapes_used():
    store = synth.store(2, 3, base=BASE)
    classes = Counter(q.object.value.rsplit("#", 1)[-1] for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None))
    for cls in ("Strategy", "Campaign", "Component", "Program", "Project", "Output", "Outcome", "Designation",
                "Observation", "Quote", "SourceText", "GovernmentBody", "PartyOrganization", "CountyLevelDivision"):
        assert classes[cls] >= 1, cls
    assert classes["Observation"] == 2 * 2 * 9  # ckg:Observation and qb:Observation


def test_quotes_are_the_text_at_their_offsets():
    graph = SimpleNamespace(store=synth.store(3, 11, base=BASE))
    assert vstore.check_quotes(graph, texts=synth.SourceTexts()) == []
    text_iri = f"https://w3id.org/county-kg/id/source/synth-s11-{synth.pick(3)[0].code}-zh-Hant"
    assert synth.source_text(text_iri)
    assert synth.source_text("https://w3id.org/county-kg/id/source/other") is None


def test_planned_violations_one_of_each_kind():
    planned = synth.planned_violations(11, 3, 11, base=BASE)
    assert len(planned) == 11
    assert {p.kind for p in planned} == set(synth.VIOLATION_KINDS)
    assert len({(p.focus, p.component) for p in planned}) == 11
    with pytest.raises(KgError):
        synth.planned_violations(1, 3, 12, base=BASE)


def test_leaves_out_what_the_base_describes(tmp_path):
    code = synth.pick(2)[1].code
    described = tmp_path / "place.nt"
    described.write_text(f"<https://w3id.org/county-kg/id/place/{code}> "
                         "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                         "<https://w3id.org/county-kg/ontology#CountyLevelDivision> .\n", encoding="utf-8")
    subject = f"<https://w3id.org/county-kg/id/place/{code}> "
    with_place = [l for l in synth.synthesize(2, 1, base=BASE) if l.startswith(subject)]
    without = [l for l in synth.synthesize(2, 1, base=[*BASE, described]) if l.startswith(subject)]
    assert with_place and not without


def test_cli_synth(tmp_path):
    target = tmp_path / "out.ttl"
    result = CliRunner().invoke(main, ["synth", "--counties", "2", "--seed", "4", "--violations", "1",
                                       "--base", "curated", "-o", str(target), "--list-violations"])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 10_000
    assert "label-missing" in result.output
    stdout = CliRunner().invoke(main, ["synth", "--counties", "1", "--base", "none", "-o", "-"])
    assert stdout.exit_code == 0 and stdout.output.count(" .\n") > 300


def test_the_printed_count_is_what_the_file_holds(tmp_path):
    # Turtle's @prefix lines end in " ." too: the count came from the text and said 1107 for 1080
    held = {}
    for suffix, syntax in ((".ttl", ox.RdfFormat.TURTLE), (".nt", ox.RdfFormat.N_TRIPLES),
                           (".nq", ox.RdfFormat.N_QUADS)):
        target = tmp_path / f"s{suffix}"
        result = CliRunner().invoke(main, ["synth", "--counties", "3", "--base", "none", "-o", str(target)])
        assert result.exit_code == 0, result.output
        store = ox.Store()
        store.load(path=str(target), format=syntax)
        held[suffix] = len(store)
        assert f"wrote {target}: {held[suffix]} triples, 3 counties, " in result.output, result.output
    assert held[".ttl"] == held[".nt"]


def test_an_existing_directory_as_output_is_named_as_one(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    result = CliRunner().invoke(main, ["synth", "--counties", "1", "-o", str(mine)])
    assert result.exit_code == 2
    assert result.output == f"kg: error: {mine}: is a directory; give a file name (e.g. {mine / 'synthetic.nt'})\n"
    assert list(mine.iterdir()) == []


def test_too_many_violations_are_counted_in_words():
    with pytest.raises(KgError, match=r"^at most 11 violations fit in 1 county \(11 kinds each\)$"):
        list(synth.synthesize(1, 1, 1000, base=[]))


def test_a_system_error_while_writing_is_one_line_in_words(tmp_path, monkeypatch):
    import errno

    from kg.synth import generate

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(generate, "write", full)
    result = CliRunner().invoke(main, ["synth", "--counties", "1", "-o", str(tmp_path / "s.nt")])
    assert result.exit_code == 2
    assert result.output == f"kg: error: {tmp_path / 's.nt'}: no space left on the device\n", result.output
