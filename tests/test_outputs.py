"""What kg writes, and what it never touches (kg.outputs): every command that writes claims its
output before any work, refuses with one line and exit 2 what it did not write or cannot write,
and Ctrl-C stops it with exit 130, leaving no temporary file and the previous output as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import outputs
from kg.cli import main

from conftest import FIXTURES

TABLE = FIXTURES / "linking" / "zhaotong-2022.csv"
MAPPING = FIXTURES / "linking" / "zhaotong-2022.toml"
KG = Path(sys.executable).with_name("kg")
OTHER = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://example.org/other/sf> rdfs:label "水富市"@zh-Hant .
<http://example.org/other/zt> rdfs:label "昭通市"@zh-Hant .
"""
MINE = "my own notes: kg must not touch them\n"


def snapshot(directory: Path) -> dict[str, str]:
    """Every entry under ``directory`` (hidden ones and .git included) with its SHA-256 ("dir" for directories)."""
    return {str(p.relative_to(directory)): "dir" if p.is_dir() and not p.is_symlink()
            else f"-> {os.readlink(p)}" if p.is_symlink() and not p.exists()
            else hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.rglob("*"))}


def invoke(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def assert_one_line_error(code: int, output: str, *words: str) -> None:
    assert code == 2, output
    assert output.startswith("kg: error: ") and output.count("\n") == 1, output
    assert "Traceback" not in output
    for word in words:
        assert word in output, output


@pytest.fixture
def no_work(monkeypatch):
    """Fails the test if a command starts its work (reads its inputs, loads or generates
    anything) before it has checked its output."""
    import kg.build.pipeline
    import kg.link.discover
    import kg.store.project
    import kg.link.gazetteer
    import kg.link.importer
    import kg.publish.export
    import kg.store.load
    import kg.synth.generate

    def started(*_args, **_kwargs):
        raise AssertionError("the command started its work before checking its output")

    for module, name in [(kg.store.project, "inputs"), (kg.store.project, "opened"), (kg.store.project, "refresh"),
                         (kg.build.pipeline, "clean_sources"),
                         (kg.store.load, "project"), (kg.link.gazetteer, "generate"),
                         (kg.synth.generate, "triples"), (kg.link.discover, "read_other"),
                         (kg.link.importer, "decode")]:
        monkeypatch.setattr(module, name, started)


@pytest.fixture
def place(tmp_path) -> Path:
    """A directory for one test's inputs and outputs: the other dataset for `kg link` is in it."""
    (tmp_path / "other.ttl").write_text(OTHER, encoding="utf-8")
    return tmp_path


#: Every command that writes one file: its arguments with the file ``out`` (``ws``: a workspace).
FILE_COMMANDS = {
    "export": lambda out, ws, here: ["export", "--format", "ttl", "-o", out],
    "viz": lambda out, ws, here: ["viz", "-o", out],
    "gazetteer": lambda out, ws, here: ["gazetteer", "-o", out],
    "synth": lambda out, ws, here: ["synth", "--counties", "2", "--format", "ttl", "-o", out],
    "import --report": lambda out, ws, here: ["import", TABLE, "--mapping", MAPPING, "--workspace", ws,
                                              "--report", out],
    "link --review": lambda out, ws, here: ["link", here / "other.ttl", "--workspace", ws, "--review", out],
}


# -- single files ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_a_file_kg_did_not_write_is_refused_before_any_work(command, place, no_work):
    mine = place / "mine.txt"
    mine.write_text(MINE, encoding="utf-8")
    before = snapshot(place)
    code, output = invoke(*FILE_COMMANDS[command](mine, place / "ws", place))
    assert_one_line_error(code, output, "mine.txt", "generator mark", "--force")
    assert snapshot(place) == before


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_a_dangling_link_is_refused_and_nothing_is_made_along_it(command, place, no_work):
    """`ln -s /nonexistent/x dangling.ttl; kg export -o dangling.ttl` said "wrote" and made
    /nonexistent at the file system's root: a link to nothing is refused before any work,
    and no folder is made along it (as the output itself or as a folder on its way)."""
    name = "dangling.html" if command == "viz" else "dangling.ttl"
    (place / name).symlink_to(place / "nowhere" / "x")
    (place / "out").symlink_to(place / "elsewhere")
    before = snapshot(place)
    args = FILE_COMMANDS[command]
    assert_one_line_error(*invoke(*args(place / name, place / "ws", place)),
                          f"{name}: a symbolic link to", "whose folder does not exist")
    assert_one_line_error(*invoke(*args(place / "out" / name, place / "ws", place)),
                          "out is a symbolic link to", "which does not exist")
    assert snapshot(place) == before and not (place / "nowhere").exists() and not (place / "elsewhere").exists()


@pytest.mark.parametrize("command", [*FILE_COMMANDS, "build -o", "--workspace"])
def test_a_missing_folder_is_refused_not_made(command, place, no_work):
    """`kg export -o /nonexist/x.ttl` made /nonexist: a folder a user names that is not there
    is an error naming it; kg makes only folders of its own (a workspace, inside it)."""
    before = snapshot(place)
    missing = place / "nonexist"
    if command == "build -o":
        args = ["build", "-o", missing / "dist"]
    elif command == "--workspace":
        args = ["link", place / "other.ttl", "--workspace", missing / "ws"]
    else:
        args = FILE_COMMANDS[command](missing / ("x.html" if command == "viz" else "x.ttl"), place / "ws", place)
    assert_one_line_error(*invoke(*args), f"no such directory: {missing}")
    assert snapshot(place) == before and not missing.exists()


#: Every option and argument that names a file or directory, given '' (``here``: a directory
#: holding the other dataset): (arguments, what the message asks for instead).
EMPTY_NAMES = {
    "build -o": (lambda here: ["build", "-o", ""], "is not an output; give a directory"),
    "build --add": (lambda here: ["build", "--add", ""], "names nothing; give an RDF file"),
    "export -o": (lambda here: ["export", "--format", "ttl", "-o", ""], "is not an output; give a file name"),
    "viz -o": (lambda here: ["viz", "-o", ""], "is not an output; give a file name"),
    "gazetteer -o": (lambda here: ["gazetteer", "-o", ""], "is not an output; give a file name"),
    "gazetteer --check -o": (lambda here: ["gazetteer", "--check", "-o", ""], "is not an output; give a file name"),
    "synth -o": (lambda here: ["synth", "--counties", "2", "-o", ""], "is not an output; give a file name"),
    "import TABLE": (lambda here: ["import", ""], "names nothing; give a table"),
    "import --mapping": (lambda here: ["import", TABLE, "--mapping", ""], "names nothing; give a mapping file"),
    "import --workspace": (lambda here: ["import", TABLE, "--mapping", MAPPING, "--workspace", ""],
                           "is not an output; give a workspace directory"),
    "import --report": (lambda here: ["import", TABLE, "--mapping", MAPPING, "--report", ""],
                        "is not an output; give a file name"),
    "link OTHER": (lambda here: ["link", ""], "names nothing; give an RDF file or an endpoint URL"),
    "link --workspace": (lambda here: ["link", here / "other.ttl", "--workspace", ""],
                         "is not an output; give a workspace directory"),
    "link --review": (lambda here: ["link", here / "other.ttl", "--review", ""], "is not an output; give a file name"),
    "serve --store": (lambda here: ["serve", "--store", ""], "names nothing; give a store directory"),
    "validate FILES": (lambda here: ["validate", ""], "names nothing; give an RDF file"),
    "source add FILE": (lambda here: ["source", "add", ""], "names nothing; give a document file"),
    "extract -o": (lambda here: ["extract", "shuifu-2023-08-22", "-o", ""], "is not an output; give a directory"),
    "curate accept REVIEW": (lambda here: ["curate", "accept", ""], "names nothing; give a review table"),
}


@pytest.mark.parametrize("name", EMPTY_NAMES)
def test_an_empty_name_is_never_the_current_directory_nor_not_given(name, place, monkeypatch, no_work):
    """`kg build -o ''` took the empty name for '.', `kg gazetteer -o ''` for "not given" (it
    wrote the project's gazetteer) and `kg import --workspace ''` for the current directory:
    every path option (kg.cli.options.PathParam) refuses it, one line, exit 2, nothing touched."""
    monkeypatch.chdir(place)
    before = snapshot(place)
    args, message = EMPTY_NAMES[name]
    flag = name.split()[-1]
    option = f"'{flag}'" if flag.startswith("-") else flag
    assert_one_line_error(*invoke(*args(place)), "kg: error: Invalid value for ", option,
                          f": an empty name ('') {message}")
    assert snapshot(place) == before


def test_every_path_option_refuses_an_empty_name():
    """No option or argument of any command takes a path with click's own Path type (which
    reads '' as '.'): each is a PathParam or an RdfFile, and :data:`EMPTY_NAMES` tries them."""
    import click

    from kg.cli.options import PathParam, RdfFile

    def walk(command, path):
        if isinstance(command, click.Group):
            context = click.Context(command)  # (the commands are loaded when asked for: kg.cli.main.COMMANDS)
            for name in command.list_commands(context):
                yield from walk(command.get_command(context, name), [*path, name])
        else:
            yield path, command

    found = set()
    for path, command in walk(main, []):
        for param in command.params:
            assert not (isinstance(param.type, click.Path) and not isinstance(param.type, PathParam)), (path, param.name)
            if isinstance(param.type, (PathParam, RdfFile)):
                flag = max(param.opts, key=len) if isinstance(param, click.Option) else param.name.upper()
                found.add(" ".join([*path, flag]))
    tried = {" ".join(w for w in name.split() if not w.startswith("--check")) for name in EMPTY_NAMES}
    aliases = {"build --output": "build -o", "export --output": "export -o", "viz --output": "viz -o",
               "gazetteer --output": "gazetteer -o", "synth --output": "synth -o", "extract --output": "extract -o"}
    assert {aliases.get(name, name) for name in found} <= tried, sorted(found)


@pytest.mark.parametrize("name", ["v.ttl", "v.NT", "v.jsonld"])
def test_viz_refuses_a_name_of_an_rdf_syntax(name, place, no_work):
    """`kg viz -o v.ttl` wrote an HTML page into a file every reader took for Turtle."""
    before = snapshot(place)
    assert_one_line_error(*invoke("viz", "-o", place / name), "but this writes an HTML page", "v.html")
    assert snapshot(place) == before


def test_build_into_a_dangling_link_is_refused(place, no_work):
    (place / "dist").symlink_to(place / "nowhere" / "dist")
    before = snapshot(place)
    assert_one_line_error(*invoke("build", "-o", place / "dist"), "dist: a symbolic link to", "which does not exist")
    assert snapshot(place) == before and not (place / "nowhere").exists()


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_a_directory_is_not_taken_for_a_file(command, place, no_work):
    folder = place / "folder"
    folder.mkdir()
    (folder / "notes.txt").write_text(MINE, encoding="utf-8")
    before = snapshot(place)
    code, output = invoke(*FILE_COMMANDS[command](folder, place / "ws", place))
    assert_one_line_error(code, output, "folder", "is a directory")
    assert snapshot(place) == before


@pytest.mark.parametrize("where", ["/proc/kg-out.ttl", "file.txt/out.ttl"])
@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_an_unwritable_file_is_refused_before_any_work(command, where, place, no_work):
    (place / "file.txt").write_text(MINE, encoding="utf-8")
    before = snapshot(place)
    target = Path(where) if where.startswith("/") else place / where
    code, output = invoke(*FILE_COMMANDS[command](target, place / "ws", place))
    assert_one_line_error(code, output, str(target), "cannot write")
    assert snapshot(place) == before


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_dot_in_a_project_is_refused_and_nothing_is_touched(command, project_checkout, monkeypatch, no_work):
    monkeypatch.chdir(project_checkout)
    (project_checkout / "other.ttl").write_text(OTHER, encoding="utf-8")  # kg link's input
    before = snapshot(project_checkout)
    code, output = invoke(*FILE_COMMANDS[command](".", "ws", project_checkout))
    assert_one_line_error(code, output, "is a directory")
    assert snapshot(project_checkout) == before


def test_files_kg_wrote_are_replaced_and_others_only_with_force(place, project):
    """The second run replaces the first one's file (it carries kg's mark); a file of one's
    own, or one without a place for a mark, is replaced only with --force."""
    from kg.publish.export import export

    exported = place / "graph.ttl"
    export("ttl", exported, loaded=project)
    assert exported.read_text(encoding="utf-8").startswith("# Generated by county-kg ")
    assert outputs.claim_file(exported).target == exported.resolve()  # the next export may replace it
    gazetteer = place / "places.ttl"
    assert invoke("gazetteer", "-o", gazetteer)[0] == 0
    gazetteer.write_text(gazetteer.read_text(encoding="utf-8") + "# below the mark\n", encoding="utf-8")
    assert invoke("gazetteer", "-o", gazetteer)[0] == 0
    assert "# below the mark" not in gazetteer.read_text(encoding="utf-8")
    plain = place / "synthetic.nt"  # N-Triples take a '#' comment: the second run replaces the first's file
    assert invoke("synth", "--counties", "1", "-o", plain)[0] == 0
    assert plain.read_text(encoding="utf-8").startswith("# Generated by county-kg ")
    assert invoke("synth", "--counties", "1", "-o", plain)[0] == 0
    plain.write_text(MINE, encoding="utf-8")
    assert_one_line_error(*invoke("synth", "--counties", "1", "-o", plain), "carries no county-kg generator mark",
                          "--force")
    assert invoke("synth", "--counties", "1", "-o", plain, "--force")[0] == 0
    mine = place / "mine.ttl"
    mine.write_text(MINE, encoding="utf-8")
    assert invoke("synth", "--counties", "1", "-o", mine, "--force")[0] == 0
    assert MINE not in mine.read_text(encoding="utf-8")
    assert sorted(p.name for p in place.iterdir()) == ["graph.ttl", "mine.ttl", "other.ttl", "places.ttl",
                                                       "synthetic.nt"]


def test_a_refusal_says_why_kg_cannot_tell_it_wrote_a_file(place):
    """`kg export -o exp.jsonld` a second time, and `kg export -o dist/county-kg.ttl` on a file
    kg build wrote, said the file "carries no county-kg generator mark", as if kg had not
    written it: JSON-LD has no place for a mark, and a build's files are listed in its manifest."""
    document = place / "exp.jsonld"
    document.write_text("{}", encoding="utf-8")
    with pytest.raises(outputs.OutputRefused) as refused:
        outputs.claim_file(document)
    assert str(refused.value) == (f"{document}: exists, and a JSON-LD file cannot carry kg's generator mark, so kg "
                                  "cannot tell whether it wrote the file (kg replaces only files it marked as its "
                                  "own); give --force to replace it, or another file name")
    assert outputs.claim_file(document, force=True).target == document.resolve()
    build = place / "dist"
    (build / "graph").mkdir(parents=True)
    (build / "graph" / "county-kg.ttl").write_text("<a:b> <a:c> <a:d> .\n", encoding="utf-8")
    (build / outputs.MANIFEST).write_text(outputs.Manifest.of_tree(build).to_json(), encoding="utf-8")
    for force in (False, True):  # --force would leave the build an output its next run refuses
        with pytest.raises(outputs.OutputRefused) as refused:
            outputs.claim_file(build / "graph" / "county-kg.ttl", force=force)
        assert str(refused.value) == (f"{build / 'graph' / 'county-kg.ttl'}: is a file of the build output {build} "
                                      f"(kg build wrote it: its {outputs.MANIFEST} lists it), which only kg build "
                                      "replaces; run kg build again, or give another file name")
    (build / "graph" / "mine.ttl").write_text(MINE, encoding="utf-8")  # not listed: as any file
    with pytest.raises(outputs.OutputRefused, match="carries no county-kg generator mark"):
        outputs.claim_file(build / "graph" / "mine.ttl")


def test_a_pipe_is_written_into_never_replaced(place):
    """A device or a FIFO (-o /dev/null, a named pipe) is written into, not replaced by a file."""
    import threading

    fifo = place / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, output = invoke("gazetteer", "-o", fifo)
    reader.join(timeout=30)
    assert code == 0, output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and b"GENERATED by `kg gazetteer`" in received[0] and len(received[0]) > 100_000


READ_ONLY_COMMANDS = {**FILE_COMMANDS,
                      "build": lambda out, ws, here: ["build", "-o", out],
                      "import --workspace": lambda out, ws, here: ["import", TABLE, "--mapping", MAPPING,
                                                                   "--workspace", out],
                      "link --workspace": lambda out, ws, here: ["link", here / "other.ttl", "--workspace", out]}


#: The file of :data:`PREVIOUS` each command of FILE_COMMANDS wrote (and may replace).
OWN_FILE = {"export": "graph.ttl", "viz": "graph.html", "gazetteer": "places.ttl", "synth": "synth.ttl",
            "import --report": "report.csv", "link --review": "review.csv"}


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS)
def test_a_read_only_folder_is_refused_before_any_work(command):
    """In a folder its user may not write to, every command stops at once with one line.
    (Root may write anywhere, so as root the command runs as the user nobody.)"""
    import tempfile

    place = Path(tempfile.mkdtemp(prefix="kg-read-only-"))
    try:
        place.chmod(0o777)  # writable by all: only the folder below is read-only
        (place / "other.ttl").write_text(OTHER, encoding="utf-8")
        folder = place / "read-only"
        folder.mkdir()
        for name, text in PREVIOUS.items():  # each command's own (its mark), which it may replace
            (folder / name).write_text(text, encoding="utf-8")
        folder.chmod(0o555)
        before = snapshot(place)
        out = folder / OWN_FILE.get(command, "new")
        args = [str(a) for a in READ_ONLY_COMMANDS[command](out, place / "ws", place)]
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        done = subprocess.run([*as_user, str(KG), *args], cwd=place, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "HOME": str(place)})
        assert_one_line_error(done.returncode, done.stdout + done.stderr, "cannot write", "Permission denied")
        assert snapshot(place) == before
    finally:
        (place / "read-only").chmod(0o755)
        shutil.rmtree(place)


# -- whose file it is: the command that wrote it, the project, the command's own inputs -------------


@pytest.fixture
def project_files(root, no_work) -> Path:
    """The project's gazetteer as checked in (its mark says `kg gazetteer` wrote it). Only
    with no_work: a command that wrongly took it would fail before writing anything."""
    return root / "data" / "gazetteer" / "places.ttl"


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("command", [name for name in FILE_COMMANDS if name != "gazetteer"])
def test_a_project_file_is_written_only_by_the_command_that_generated_it(command, force, place, project_files):
    """`kg viz -o data/gazetteer/places.ttl` replaced the project's gazetteer with a page;
    now every command but `kg gazetteer` is refused there, --force or not."""
    assert outputs.marked_by(project_files) == "kg gazetteer"
    before = project_files.read_bytes()
    code, output = invoke(*FILE_COMMANDS[command](project_files, place / "ws", place), *(["--force"] if force else []))
    assert_one_line_error(code, output, "places.ttl", "project's own files")
    assert project_files.read_bytes() == before
    with outputs.command("kg gazetteer"):
        assert outputs.claim_file(project_files).target == project_files.resolve()


@pytest.mark.parametrize("command", [name for name in FILE_COMMANDS if name != "export"])
def test_a_file_another_command_wrote_is_refused(command, place, no_work):
    """A file kg wrote is replaced only by the command whose mark it carries: `kg viz` does
    not write its page over the Turtle `kg export` wrote."""
    exported = place / "graph.ttl"
    exported.write_text(outputs.generator_comment("kg export") + "<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    before = snapshot(place)
    code, output = invoke(*FILE_COMMANDS[command](exported, place / "ws", place))
    assert_one_line_error(code, output, "graph.ttl", "written by `kg export`", "--force")
    assert snapshot(place) == before


@pytest.mark.parametrize("text, command", [
    (outputs.generator_comment("kg export"), "kg export"),
    ("# written by `kg import` at 2026-01-01\n", "kg import"),
    ("# GENERATED by `kg gazetteer` (kg.gazetteer) from ...\n", "kg gazetteer"),
    ("# Synthetic county graph written by `kg synth` (county-kg); see kg.synth.\n", "kg synth"),
    (f"<html><head>{outputs.generator_meta('kg viz')}</head>", "kg viz"),
    ('<html><head><meta name="generator" content="county-kg 0.1.0">', "kg viz"),  # pages of 0.1.0
    ("# written by county-kg (kg.publish.virtuoso)\n", ""),
])
def test_a_mark_names_the_command_that_wrote_the_file(tmp_path, text, command):
    path = tmp_path / "f"
    path.write_text(text, encoding="utf-8")
    assert outputs.marked_by(path) == command


@pytest.mark.parametrize("command", ["import", "link", "import --mapping"])
def test_an_input_is_never_an_output_even_with_force(command, place, no_work):
    """`kg import in.csv --report in.csv --force` wrote its report over the table it read."""
    table = place / "in.csv"
    shutil.copy(TABLE, table)
    mapping = place / "in.toml"
    shutil.copy(MAPPING, mapping)
    args = {"import": ["import", table, "--mapping", mapping, "--workspace", place / "ws", "--report", table],
            "import --mapping": ["import", table, "--mapping", mapping, "--workspace", place / "ws",
                                 "--report", mapping],
            "link": ["link", place / "other.ttl", "--workspace", place / "ws", "--review", place / "other.ttl"],
            }[command]
    before = snapshot(place)
    code, output = invoke(*args, "--force")
    assert_one_line_error(code, output, "input of this command")
    assert snapshot(place) == before


@pytest.mark.parametrize("report", ["ws", "ws/imports/zhaotong-2022.ttl"])
def test_two_outputs_of_one_command_never_overlap(report, place, no_work):
    """`kg import --report ws --workspace ws` failed only after the work, and left the
    report behind; a report where the import itself goes would have replaced it."""
    before = snapshot(place)
    code, output = invoke("import", TABLE, "--mapping", MAPPING, "--workspace", place / "ws",
                          "--report", place / report, "--force")
    assert_one_line_error(code, output, report.rsplit("/", 1)[-1])
    assert snapshot(place) == before


# -- the workspace -----------------------------------------------------------------------------


@pytest.mark.parametrize("command, kind", [("import", "imports"), ("link", "links")])
def test_a_workspace_directory_kg_did_not_make_is_refused(command, kind, place, no_work):
    workspace = place / "ws"
    (workspace / kind).mkdir(parents=True)
    (workspace / kind / "notes.md").write_text(MINE, encoding="utf-8")
    args = (["import", TABLE, "--mapping", MAPPING] if command == "import" else ["link", place / "other.ttl"])
    before = snapshot(place)
    code, output = invoke(*args, "--workspace", workspace)
    assert_one_line_error(code, output, f"ws/{kind}", "notes.md")
    assert snapshot(place) == before
    (workspace / kind / "notes.md").unlink()
    outputs.mark_workspace(workspace / kind)  # as kg leaves it; then
    (workspace / kind / ("zhaotong-2022.ttl" if command == "import" else "other.ttl")).write_text(
        MINE, encoding="utf-8")  # a file of one's own where kg would write
    before = snapshot(place)
    code, output = invoke(*args, "--workspace", workspace)
    assert_one_line_error(code, output, "generator mark", "--force")
    assert snapshot(place) == before


@pytest.mark.parametrize("command", ["import", "link"])
def test_a_workspace_that_is_a_file_or_unwritable_is_refused(command, place, no_work):
    args = (["import", TABLE, "--mapping", MAPPING] if command == "import" else ["link", place / "other.ttl"])
    (place / "ws.txt").write_text(MINE, encoding="utf-8")
    before = snapshot(place)
    assert_one_line_error(*invoke(*args, "--workspace", place / "ws.txt"), "ws.txt", "not a directory")
    assert_one_line_error(*invoke(*args, "--workspace", "/proc/kg-workspace"), "/proc", "cannot write")
    assert snapshot(place) == before


def test_a_workspace_of_the_previous_version_is_adopted(tmp_path):
    """county-kg 0.1.0 wrote no manifest; its workspace holds only files carrying kg's marks."""
    imports = tmp_path / "ws" / "imports"
    imports.mkdir(parents=True)
    (imports / "t.ttl").write_text("# county-kg import of t.csv -> named graph <x>\n# written by `kg import` at "
                                   "2026-01-01T00:00:00+00:00; importing the same name again replaces this file.\n",
                                   encoding="utf-8")
    (imports / "t.report.csv").write_text("row,column,reason,raw\n", encoding="utf-8")
    assert outputs.claim_workspace(tmp_path / "ws", "imports", ["row,column,reason,raw"]) == imports
    (imports / "mine.csv").write_text("row,column\n", encoding="utf-8")
    with pytest.raises(outputs.OutputRefused, match="mine.csv"):
        outputs.claim_workspace(tmp_path / "ws", "imports", ["row,column,reason,raw"])


# -- directories: kg build -o ------------------------------------------------------------------


@pytest.fixture
def project_checkout(tmp_path, root) -> Path:
    """A copy of a county-kg checkout with its git repository, as a user has it."""
    copy = tmp_path / "checkout"
    for name in ("ontology", "queries"):
        shutil.copytree(root / name, copy / name)
    for name in ("README.md", "pyproject.toml", "Makefile"):
        shutil.copy(root / name, copy / name)
    subprocess.run(["git", "init", "-q", str(copy)], check=True)
    subprocess.run(["git", "-C", str(copy), "add", "."], check=True)
    subprocess.run(["git", "-C", str(copy), "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm",
                    "checkout"], check=True)
    return copy


def test_build_dot_in_a_project_is_refused_and_nothing_is_deleted(project_checkout, monkeypatch, no_work):
    monkeypatch.chdir(project_checkout)
    before = snapshot(project_checkout)
    code, output = invoke("build", "-o", ".")
    assert_one_line_error(code, output, outputs.MANIFEST)
    assert snapshot(project_checkout) == before
    assert (project_checkout / ".git" / "HEAD").is_file() and outputs.MANIFEST not in os.listdir(project_checkout)
    assert subprocess.run(["git", "-C", str(project_checkout), "status", "--porcelain"], capture_output=True,
                          text=True, check=True).stdout == ""


def test_build_refuses_a_folder_of_ones_own_files_and_a_file(place, no_work):
    folder = place / "site"
    folder.mkdir()
    (folder / "index.html").write_text("<p>mine</p>", encoding="utf-8")
    (place / "notes.txt").write_text(MINE, encoding="utf-8")
    before = snapshot(place)
    assert_one_line_error(*invoke("build", "-o", folder), "site", "kg did not write it")
    assert_one_line_error(*invoke("build", "-o", place / "notes.txt"), "notes.txt", "is a file")
    assert snapshot(place) == before


@pytest.mark.parametrize("where", ["/proc/kg-dist", "notes.txt/dist"])
def test_build_refuses_an_unwritable_directory_before_any_work(where, place, no_work):
    (place / "notes.txt").write_text(MINE, encoding="utf-8")
    before = snapshot(place)
    target = Path(where) if where.startswith("/") else place / where
    assert_one_line_error(*invoke("build", "-o", target), str(target), "cannot write")
    assert snapshot(place) == before


def previous_build(directory: Path, files: dict[str, str]) -> None:
    """A directory as a previous `kg build` left it (written through kg.outputs, with its manifest)."""
    with outputs.replaced_directory(directory) as staging:
        for name, text in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text, encoding="utf-8")


def test_build_refuses_a_previous_build_with_a_file_added_or_changed(place, no_work):
    dist = place / "dist"
    previous_build(dist, {"summary.md": "# old\n", "queries/01.csv": "a\n"})
    (dist / "queries" / "mine.csv").write_text(MINE, encoding="utf-8")
    before = snapshot(place)
    assert_one_line_error(*invoke("build", "-o", dist), "queries/mine.csv", "did not write")
    assert snapshot(place) == before
    (dist / "queries" / "mine.csv").unlink()
    (dist / "summary.md").write_text("# edited by hand\n", encoding="utf-8")
    before = snapshot(place)
    assert_one_line_error(*invoke("build", "-o", dist), "summary.md", "changed since kg wrote it")
    assert snapshot(place) == before
    (dist / "elsewhere").symlink_to(place)
    (dist / "summary.md").write_text("# old\n", encoding="utf-8")
    assert_one_line_error(*invoke("build", "-o", dist), "elsewhere")


@pytest.mark.parametrize("args", [
    ["build", "-o", "-"],
    ["serve", "--store", "-"],
    ["extract", "shuifu", "-o", "-"],
    ["import", TABLE, "--mapping", MAPPING, "--workspace", "-"],
    ["link", "other.ttl", "--workspace", "-"],
], ids=lambda args: " ".join(map(str, args[:1] + args[-2:])))
def test_standard_output_is_never_a_directory(args, place, monkeypatch, no_work):
    """'-' means standard output; given where a directory goes it made a folder named "-"
    (`kg serve --store -`, `kg extract -o -`, `kg import --workspace -`). Every directory an
    output goes into is claimed through kg.outputs.refuse_standard_output: one line, exit 2,
    nothing made. The store named by $KG_STORE is claimed the same way."""
    monkeypatch.chdir(place)
    before = snapshot(place)
    assert_one_line_error(*invoke(*args), "'-' (standard output) cannot be")
    assert snapshot(place) == before


def test_a_store_named_standard_output_is_refused(place, monkeypatch):
    monkeypatch.chdir(place)
    monkeypatch.setenv("KG_STORE", "-")
    before = snapshot(place)
    assert_one_line_error(*invoke("query", "01"), "'-' (standard output) cannot be a store")
    assert snapshot(place) == before


@pytest.mark.parametrize("args", [["query", "01"], ["import", TABLE, "--mapping", MAPPING]],
                         ids=lambda args: args[0])
def test_a_workspace_named_standard_output_is_refused(args, place, monkeypatch):
    # --workspace - was refused while KG_WORKSPACE=- was taken for a directory named "-"
    monkeypatch.chdir(place)
    monkeypatch.setenv("KG_WORKSPACE", "-")
    before = snapshot(place)
    assert_one_line_error(*invoke(*args), "'-' (standard output) cannot be the workspace ($KG_WORKSPACE)")
    assert snapshot(place) == before


def test_an_interrupted_removal_of_the_previous_tree_is_finished(tmp_path, monkeypatch):
    """Ctrl-C while the previous build's files were being removed (the new tree already in
    place) left `.dist.old-XXXX/` (195 MB, 23,531 files) beside the output: the removal is
    finished, then the interrupt goes on. Only what the previous manifest lists, unchanged,
    is removed: a file kg did not write stays (and so does the folder holding it)."""
    dist = tmp_path / "dist"
    previous_build(dist, {"a.txt": "a\n", "q/b.csv": "b\n", "q/c.csv": "c\n"})
    real = outputs._remove_listed
    attempts = []

    def stopped(directory, manifest):
        attempts.append(directory)
        if len(attempts) == 1:
            (directory / "a.txt").unlink()  # some of it was removed, then Ctrl-C
            (directory / "q" / "mine.txt").write_text(MINE, encoding="utf-8")  # (appeared meanwhile)
            raise KeyboardInterrupt
        real(directory, manifest)

    monkeypatch.setattr(outputs, "_remove_listed", stopped)
    with pytest.raises(KeyboardInterrupt):
        previous_build(dist, {"a.txt": "new a\n"})
    assert (dist / "a.txt").read_text(encoding="utf-8") == "new a\n"  # the new tree is in place
    assert len(attempts) == 2
    remaining = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert remaining == sorted(["dist/" + outputs.MANIFEST, "dist/a.txt", f"{attempts[0].name}/q/mine.txt"])


def test_a_removal_a_killed_process_left_is_finished_next_time(tmp_path, monkeypatch):
    """A process killed while it removed the previous tree (no chance to finish) leaves it set
    aside with its manifest; the next build into the same place removes what that manifest
    lists, unchanged, and nothing else."""
    dist = tmp_path / "dist"
    previous_build(dist, {"a.txt": "a\n", "q/b.csv": "b\n", "q/c.csv": "c\n"})
    real = outputs._remove_listed

    def killed(directory, manifest):
        (directory / "a.txt").unlink()  # some of it was removed, then the process was gone
        raise SystemExit(137)

    monkeypatch.setattr(outputs, "_remove_listed", killed)
    with pytest.raises(SystemExit):
        previous_build(dist, {"a.txt": "new a\n"})
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".dist.old-")]
    assert len(left) == 1 and (left[0] / outputs.MANIFEST).is_file() and (left[0] / "q" / "b.csv").is_file()
    (left[0] / "q" / "mine.txt").write_text(MINE, encoding="utf-8")  # a file kg did not write is kept
    (left[0] / "q" / "c.csv").write_text("edited\n", encoding="utf-8")  # so is one changed since
    # a directory of that name kg did not set aside (no manifest) is not touched either
    foreign = tmp_path / ".dist.old-mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text(MINE, encoding="utf-8")
    monkeypatch.setattr(outputs, "_remove_listed", real)
    previous_build(dist, {"a.txt": "third a\n"})
    remaining = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert remaining == sorted([".dist.old-mine/notes.txt", "dist/" + outputs.MANIFEST, "dist/a.txt",
                                f"{left[0].name}/q/c.csv", f"{left[0].name}/q/mine.txt"])


def test_build_replaces_only_what_a_previous_build_wrote(place):
    """A real build over a previous one: the old build's files go, the new manifest lists
    every file written with its SHA-256; into an empty directory the tree is put in place."""
    dist = place / "dist"
    previous_build(dist, {"stale.txt": "from an older build\n", "queries/99-gone.csv": "x\n"})
    code, output = invoke("build", "-o", dist, "--no-docs", "--quiet")
    assert code == 0, output
    manifest = outputs.read_manifest(dist)
    on_disk = sorted(str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file() and p.name != outputs.MANIFEST)
    assert sorted(manifest.files) == on_disk and "county-kg.nt" in on_disk and "stale.txt" not in on_disk
    assert all(hashlib.sha256((dist / rel).read_bytes()).hexdigest() == digest for rel, digest in manifest.files.items())
    assert sorted(p.name for p in place.iterdir()) == ["dist", "other.ttl"]  # no staging or retired tree left


def test_an_empty_directory_or_the_current_one_is_filled_in_place(tmp_path, monkeypatch):
    """`kg build -o .` in an empty directory, then again: the directory stays (and the shell
    inside it), the first tree's files go."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    inode = empty.stat().st_ino
    for name in ("first.md", "second.md"):
        with outputs.replaced_directory(".") as staging:
            (staging / "queries").mkdir()
            (staging / "queries" / name).write_text("# new\n", encoding="utf-8")
        assert empty.stat().st_ino == inode and Path.cwd().resolve() == empty.resolve()
        assert sorted(str(p.relative_to(empty)) for p in empty.rglob("*")) == [outputs.MANIFEST, "queries",
                                                                              f"queries/{name}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


@pytest.fixture
def mount_point(tmp_path):
    """A function mounting a small tmpfs on an empty directory under ``tmp_path`` (``ro``:
    read-only), unmounted afterwards; the test is skipped where nothing can be mounted."""
    mounted = []

    def mount(name: str, ro: bool = False) -> Path:
        where = tmp_path / name
        where.mkdir()
        options = ["-o", "ro,size=1m"] if ro else ["-o", "size=1m"]
        if subprocess.run(["mount", "-t", "tmpfs", *options, "tmpfs", str(where)], capture_output=True).returncode:
            pytest.skip("cannot mount a tmpfs here")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        subprocess.run(["umount", "--lazy", str(where)], check=False)  # (lazy: a failed test may hold a file open)


def test_a_mount_point_is_filled_and_replaced_on_its_own_file_system(tmp_path, mount_point):
    """`kg build -o MNT` into an empty mount point failed after the whole build with "Invalid
    cross-device link" (the tree was staged beside it, on another file system), leaving what
    it had moved: it is staged inside the mount point, and so is a previous tree set aside."""
    mnt = mount_point("mnt")
    for text in ("first\n", "second\n"):
        with outputs.replaced_directory(mnt) as staging:
            (staging / "q").mkdir()
            (staging / "q" / "a.txt").write_text(text, encoding="utf-8")
        assert sorted(str(p.relative_to(mnt)) for p in mnt.rglob("*")) == [outputs.MANIFEST, "q", "q/a.txt"]
        assert (mnt / "q" / "a.txt").read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mnt"]


def test_a_read_only_mount_point_is_refused_before_any_work(tmp_path, mount_point, no_work):
    ro = mount_point("ro", ro=True)
    assert_one_line_error(*invoke("build", "-o", ro), str(ro), "cannot write", "Read-only file system")


def test_a_file_appearing_during_the_build_is_never_removed(tmp_path):
    """The claim is checked again when the new tree is put in place."""
    dist = tmp_path / "dist"
    previous_build(dist, {"summary.md": "# old\n"})
    with pytest.raises(outputs.OutputRefused, match="late.txt"):
        with outputs.replaced_directory(dist) as staging:
            (staging / "summary.md").write_text("# new\n", encoding="utf-8")
            (dist / "late.txt").write_text(MINE, encoding="utf-8")
    assert (dist / "late.txt").read_text(encoding="utf-8") == MINE
    assert (dist / "summary.md").read_text(encoding="utf-8") == "# old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_an_edit_made_while_a_build_runs_is_kept(tmp_path):
    """Edited 25 s into a build, dist/summary.md was lost: the previous tree is compared with
    its manifest again, file by file, just before it is replaced."""
    dist = tmp_path / "dist"
    previous_build(dist, {"summary.md": "# old\n", "queries/01.csv": "a\n"})
    with pytest.raises(outputs.OutputRefused, match="summary.md changed since kg wrote it"):
        with outputs.replaced_directory(dist) as staging:
            (staging / "summary.md").write_text("# new\n", encoding="utf-8")
            with open(dist / "summary.md", "a", encoding="utf-8") as edit:  # meanwhile, in an editor
                edit.write("x\n")
    assert (dist / "summary.md").read_text(encoding="utf-8") == "# old\nx\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def _edit_keeping_size_and_time(path: Path, text: str) -> None:
    """Write ``text`` (as long as what ``path`` holds) and set its modification time back."""
    state = path.stat()
    assert len(text.encode("utf-8")) == state.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(state.st_atime_ns, state.st_mtime_ns))


@pytest.mark.parametrize("recent", [False, True])
def test_an_edit_keeping_the_size_and_modification_time_is_found(tmp_path, monkeypatch, recent):
    """A file read once is not read again while its state is unchanged (kg.outputs._DIGESTS),
    and the state includes the change time, which an edit sets and no program can set back:
    an edit of the same length with the modification time restored is still found. A file
    written just before it was read (``recent``: a file system may keep coarse times) is read
    again each time."""
    dist = tmp_path / "dist"
    previous_build(dist, {"summary.md": "# old\n", "queries/01.csv": "a\n"})
    if not recent:
        monkeypatch.setattr(outputs, "_RECENT_NS", 20_000_000)
        time.sleep(0.1)  # the files are older than that now
    assert outputs.claim_directory(dist) is not None  # read: known from now on unless recent
    known = {identity for identity in outputs._DIGESTS if identity[1] == (dist / "summary.md").stat().st_ino}
    assert bool(known) is not recent
    time.sleep(0.05)  # (the change time's tick: a few milliseconds)
    _edit_keeping_size_and_time(dist / "summary.md", "# new\n")
    with pytest.raises(outputs.OutputRefused, match="summary.md changed since kg wrote it"):
        outputs.claim_directory(dist)


def test_a_previous_tree_is_read_once_per_build(tmp_path, monkeypatch):
    """Claimed before the work, claimed again before it is replaced, and each file compared
    before it is removed: a previous tree's files are read once for all three (its site's
    29,000 files and 476 MB of exports at national size were read three times)."""
    dist = tmp_path / "dist"
    previous_build(dist, {"summary.md": "# old\n", "queries/01.csv": "a\n", "site/id/x.html": "<p>x</p>\n"})
    monkeypatch.setattr(outputs, "_RECENT_NS", 20_000_000)
    time.sleep(0.1)
    read = []
    real = outputs._sha256
    monkeypatch.setattr(outputs, "_sha256", lambda path: read.append(Path(path).name) or real(path))
    with outputs.replaced_directory(dist) as staging:
        (staging / "summary.md").write_text("# new\n", encoding="utf-8")
    assert sorted(read) == ["01.csv", "summary.md", "summary.md", "x.html"]  # the old three, the new one
    assert (dist / "summary.md").read_text(encoding="utf-8") == "# new\n"
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == \
        ["dist/" + outputs.MANIFEST, "dist/summary.md"]


def test_the_manifest_is_reproducible(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    previous_build(first, {"x.txt": "x\n", "q/y.csv": "y\n"})
    time.sleep(0.01)
    previous_build(second, {"q/y.csv": "y\n", "x.txt": "x\n"})
    assert (first / outputs.MANIFEST).read_bytes() == (second / outputs.MANIFEST).read_bytes()


@pytest.mark.parametrize("text, headers, marked", [
    ("# Generated by county-kg 0.1.0 (kg export); kg replaces this file only while this line is here.\n<a> <b> <c> .\n",
     (), True),
    ("# county-kg import of t.csv -> named graph <g>\n# written by `kg import` at 2026-01-01\n", (), True),
    ("# The national gazetteer ...\n# GENERATED by `kg gazetteer` (kg.gazetteer) from ...\n", (), True),
    ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">\n<meta name="generator" content="county-kg 0.1.0">', (), True),
    ("row,column,reason,raw\n", ("row,column,reason,raw",), True),
    ("row,column,reason,raw\n", (), False),
    ("@prefix ex: <x#> .\n# generated by county-kg\n", (), False),  # not a leading comment
    ("# my notes about county-kg\n", (), False),
    ('{"@context": {}}', (), False),
])
def test_generator_marks(tmp_path, text, headers, marked):
    path = tmp_path / "f"
    path.write_text(text, encoding="utf-8")
    assert outputs.carries_mark(path, headers) is marked


# -- Ctrl-C ------------------------------------------------------------------------------------


#: Loaded by every Python process of a command run with :func:`interrupt`'s ``pause_at`` (as
#: ``sitecustomize``, found on PYTHONPATH): the first time the process opens a file whose path
#: ends in $KG_TEST_PAUSE_AT, it creates $KG_TEST_PAUSED and waits there, in the middle of
#: its work, for the signal. A command that does its work in less than the second the other
#: tests wait (the gazetteer, on a fast machine) is thus interrupted at a known point of it.
PAUSE_HOOK = """
import fnmatch, os, sys, time

_AT, _PAUSED = os.environ["KG_TEST_PAUSE_AT"], os.environ["KG_TEST_PAUSED"]


def _pause(event, args):
    if event != "open" or not args or not isinstance(args[0], (str, os.PathLike)):
        return
    path = os.fspath(args[0])
    if "*" in _AT:  # a pattern of the file's name (a temporary file's)
        matched = fnmatch.fnmatchcase(os.path.basename(path), _AT)
    else:  # the end of its path
        matched = path.endswith(_AT)
    if matched and not os.path.exists(_PAUSED):
        os.close(os.open(_PAUSED, os.O_CREAT | os.O_WRONLY))
        time.sleep(60)


sys.addaudithook(_pause)
"""


def interrupt(args: list, cwd: Path, *, after: float = 1.0, when=None, timeout: float = 120,
              signum: int = signal.SIGINT, pause_at: str | None = None):
    """Run `kg ARGS` as a user does and press Ctrl-C (SIGINT to its process group, as a
    terminal sends it; or send ``signum``) ``after`` seconds, or once ``when()`` holds, or
    once the command has opened a file whose path ends in ``pause_at`` (:data:`PAUSE_HOOK`);
    returns (exit code, stderr, whether it was interrupted). Temporary files go to
    ``cwd``/tmp (TMPDIR)."""
    tmp = cwd / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp)}
    with tempfile.TemporaryDirectory() as hook:  # outside ``cwd``: the tests compare it whole
        if pause_at is not None:
            (Path(hook) / "sitecustomize.py").write_text(PAUSE_HOOK, encoding="utf-8")
            paused = Path(hook) / "paused"
            env.update(PYTHONPATH=os.pathsep.join(filter(None, [hook, env.get("PYTHONPATH")])),
                       KG_TEST_PAUSE_AT=pause_at, KG_TEST_PAUSED=str(paused))
            when = paused.exists
        process = subprocess.Popen([str(KG), *map(str, args)], cwd=cwd, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, env=env, start_new_session=True)
        deadline = time.monotonic() + timeout
        if when is not None:
            while not when() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
        time.sleep(after)
        interrupted = process.poll() is None
        if interrupted:
            os.killpg(process.pid, signum)
        _out, err = process.communicate(timeout=timeout)
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):  # nothing of the command's is left running
        os.killpg(process.pid, 0)
    assert sorted(tmp.iterdir()) == [], "temporary files left behind"
    return process.returncode, err.decode("utf-8", errors="replace"), interrupted


def assert_interrupted(code: int, err: str, interrupted: bool, signum: int = signal.SIGINT) -> None:
    assert "Traceback" not in err and "Aborted" not in err and "Exception ignored" not in err, err
    assert interrupted, "the command ended within a second: nothing was interrupted"
    assert code == 128 + signum, err
    assert err.strip().splitlines()[-1] == "kg: interrupted", err


#: Commands that run for more than a second, each with an output kg wrote before.
INTERRUPTIBLE = {
    "build": ["build", "-o", "dist"],
    "build --no-docs": ["build", "--no-docs", "-o", "dist"],
    "export": ["export", "--format", "nt", "-o", "out/graph.nt"],
    "viz": ["viz", "-o", "out/graph.html"],
    "gazetteer": ["gazetteer", "-o", "out/places.ttl"],
    "synth": ["synth", "-o", "out/synth.ttl"],
    "import": ["import", TABLE, "--mapping", MAPPING, "--workspace", "ws", "--report", "out/report.csv"],
    "link": ["link", "other.ttl", "--workspace", "ws", "--review", "out/review.csv"],
    "validate": ["validate"],
    "query": ["query", "01"],
    "analyze": ["analyze", "rank"],
    "reason": ["reason"],
}
PREVIOUS = {
    "graph.nt": outputs.generator_comment("kg export") + "# the previous export\n",
    "graph.ttl": outputs.generator_comment("kg export") + "# the previous export\n",
    "places.ttl": outputs.generator_comment("kg gazetteer") + "# the previous gazetteer\n",
    "synth.ttl": outputs.generator_comment("kg synth") + "# the previous synthetic graph\n",
    "graph.html": f"<!DOCTYPE html>\n<html><head>{outputs.generator_meta('kg viz')}</head></html>\n",
    "report.csv": "row,column,reason,raw\n",
    "review.csv": "their_iri,their_label,our_iri,our_label,score,method\n",
}


#: Commands that may finish within a second on a fast machine: interrupted instead once they
#: open this file, in the middle of their work (:data:`PAUSE_HOOK`).
PAUSE_AT = {
    "gazetteer": "division-history/result.csv",  # read after the output is claimed, before it is written
}


@pytest.mark.parametrize("command", INTERRUPTIBLE)
def test_ctrl_c_after_a_second(command, place, monkeypatch, tmp_path_factory):
    """Exit 130 with one line, no traceback, no temporary file, the previous output intact. Each
    command has a store still to make (a reading command on a current store answers within a
    second): interrupted while making it, it publishes nothing."""
    store = tmp_path_factory.mktemp("store-to-make") / "store"
    monkeypatch.setenv("KG_STORE", str(store))
    previous_build(place / "dist", {"summary.md": "# the previous build\n"})
    (place / "out").mkdir()
    for name, text in PREVIOUS.items():
        (place / "out" / name).write_text(text, encoding="utf-8")
    before = snapshot(place)
    pause_at = PAUSE_AT.get(command)
    assert_interrupted(*interrupt(INTERRUPTIBLE[command], place, pause_at=pause_at, after=0.2 if pause_at else 1.0))
    assert snapshot(place) == {**before, "tmp": "dir"}
    assert not (store / "CURRENT").exists()
    assert not [p for p in store.glob("gen-*")] if store.exists() else True


def test_ctrl_c_while_a_build_writes_its_tree(place):
    """Interrupted while the staging tree is written: the staging tree goes, the previous build
    stays, no process is left."""
    previous_build(place / "dist", {"summary.md": "# the previous build\n"})
    before = snapshot(place)
    staged = lambda: any(p.name.startswith(".dist.new-") and any(p.iterdir()) for p in place.iterdir())  # noqa: E731
    assert_interrupted(*interrupt(["build", "--no-docs", "-o", "dist"], place, after=0.3,
                                  when=staged))
    assert snapshot(place) == {**before, "tmp": "dir"}


def test_ctrl_c_while_a_file_is_streamed(place):
    """`kg synth` streams a million triples into a temporary file: interrupted, it leaves no
    half-written file and the previous one as it was."""
    (place / "big.ttl").write_text(outputs.generator_comment("kg synth") + "# previous\n", encoding="utf-8")
    before = snapshot(place)
    streaming = lambda: any(p.name.startswith(".big.ttl.") for p in place.iterdir())  # noqa: E731
    assert_interrupted(*interrupt(["synth", "-o", "big.ttl"], place, after=0.5, when=streaming))
    assert snapshot(place) == {**before, "tmp": "dir"}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("command", ["build", "export jsonld"])
def test_sigterm_and_sighup_stop_a_command_as_ctrl_c_does(command, signum, place):
    """`timeout -s TERM 20 kg build -o out` left .out.new-*/ behind, SIGTERM during `kg
    export` a .x.jsonld.*.tmp: every stop signal now cleans up as Ctrl-C does, exit 128 + N."""
    previous_build(place / "dist", {"summary.md": "# the previous build\n"})
    (place / "out").mkdir()
    args = {"build": ["build", "-o", "dist"], "export jsonld": ["export", "--format", "jsonld", "-o", "out/x.jsonld"]}
    before = snapshot(place)
    staged = lambda: any(p.name.startswith(".dist.new-") for p in place.iterdir())  # noqa: E731
    # the build is stopped once it staged its output; the export (which may end within a second)
    # once it opened its temporary file
    code, err, interrupted = interrupt(args[command], place, after=0.5 if command == "build" else 0.2,
                                       when=staged if command == "build" else None, signum=signum,
                                       pause_at=None if command == "build" else ".x.jsonld.*.tmp")
    assert_interrupted(code, err, interrupted, signum)
    assert snapshot(place) == {**before, "tmp": "dir"}


def _handles_sigterm(pid: int) -> bool:
    """Whether the process catches SIGTERM (its SigCgt mask in /proc): Python itself does not,
    so this becomes true the moment kg installs its stop-signal handlers, before it loads the
    libraries."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            caught = next(int(line.split()[1], 16) for line in status if line.startswith("SigCgt:"))
    except (OSError, StopIteration):
        return False
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def test_ctrl_c_as_the_program_starts_is_one_line(place):
    """Ctrl-C while Python imports the libraries printed a KeyboardInterrupt traceback. From
    the moment kg's handlers are installed (the first thing the program does; detected by
    SIGTERM becoming caught, so the test does not depend on the machine's speed), Ctrl-C at 0,
    0.1, 0.2 and 0.4 s later: one line, exit 130, every time. The command asks a question that
    takes hours (a cross join), so that it is still running when the signal comes."""
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    for after in (0.0, 0.1, 0.2, 0.4):
        process = subprocess.Popen([str(KG), "query", "--sparql", endless], cwd=place, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 60
        while not _handles_sigterm(process.pid) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        assert process.poll() is None, "the command ended before it could be interrupted"
        time.sleep(after)
        os.killpg(process.pid, signal.SIGINT)
        _out, err = process.communicate(timeout=60)
        text = err.decode("utf-8", "replace")
        assert "Traceback" not in text and "Exception ignored" not in text, (after, text)
        assert process.returncode == 130, (after, text)
        assert text.strip().splitlines()[-1] == "kg: interrupted", (after, text)
