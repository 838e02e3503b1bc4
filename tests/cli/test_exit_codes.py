"""The exit-code policy (kgraph.cli.exits), command by command: 0 ok, 1 some
inputs failed but outputs were written, 2 usage error, missing input or
nothing built; every problem one ``error: ...`` line on stderr (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli.app import main
from tests.conftest import FEEDS, SAMPLES_DIR

pytestmark = pytest.mark.issue(19)

GOOD_FEED = str(FEEDS / "rss2.xml")

#: every command that reads --graph, with the arguments it needs besides it
GRAPH_COMMANDS = {
    "info": ["info"],
    "export": ["export", "--format", "json"],
    "related": ["related", "Versioning for Amazon S3"],
    "articles": ["articles", "AWS"],
    "concepts": ["concepts"],
    "show": ["show", "S3"],
    "path": ["path", "golang", "S3"],
    "map": ["map", "--format", "graphml"],
    "site": ["site", "--no-map"],
    "feed": ["feed", "S3", "--include-narrower"],
    "digest": ["digest", "--since", "2024"],
}

#: every command, with arguments under which it succeeds (GRAPH and OUT are
#: filled in with a built graph and an empty folder)
OK_RUNS = {
    **GRAPH_COMMANDS,
    "build": ["build", GOOD_FEED, "--format", "json", "--no-cache"],
    "eval": ["eval", GOOD_FEED],
    "candidates": ["candidates", str(SAMPLES_DIR)],
    "view": ["view", "PAGE"],
    "cache info": ["cache", "info"],
    "cache clear": ["cache", "clear"],
    "diff": ["diff", "GRAPH", "GRAPH"],
}
#: where a command writes: -o OUT (the cache commands: the cache beside OUT)
WRITES = {"build", "map", "site", "cache info", "cache clear"}


def invoke(args: list[str]):
    return CliRunner().invoke(main, args)


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


@pytest.fixture(scope="module")
def graph_file(sample_kg, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("exits")
    sample_kg.write(folder, ["graphml", "html"])
    return folder / "graph.graphml"


def _filled(name: str, args: list[str], graph_file: Path, out: Path) -> list[str]:
    args = [str(graph_file.with_suffix(".html")) if a == "PAGE" else a for a in args]
    args = [str(graph_file) if a == "GRAPH" else a for a in args]
    if name in GRAPH_COMMANDS:
        args += ["--graph", str(graph_file)]
    if name == "export":
        args += ["-o", str(out / "graph.json")]
    if name == "feed":
        args += ["-o", str(out / "s3.xml")]
    if name in WRITES:
        args += ["-o", str(out)]
    return args


@pytest.mark.parametrize("name", sorted(OK_RUNS))
def test_exit_0_when_everything_was_done(name, graph_file, tmp_path, monkeypatch):
    import webbrowser

    monkeypatch.setattr(webbrowser, "get", lambda *a, **k: (_ for _ in ()).throw(webbrowser.Error))
    result = invoke(_filled(name, OK_RUNS[name], graph_file, tmp_path))
    assert result.exit_code == 0, result.output
    assert _errors(result.stderr) == []
    assert result.stdout.strip()  # it printed what it did


@pytest.mark.parametrize("name", sorted(GRAPH_COMMANDS))
def test_exit_2_and_one_error_line_when_the_graph_is_missing(name, tmp_path):
    missing = tmp_path / "none.graphml"
    result = invoke(
        [*GRAPH_COMMANDS[name], "--graph", str(missing), "-o", str(tmp_path / "o")]
        if name in ("map", "export", "site", "feed")
        else [*GRAPH_COMMANDS[name], "--graph", str(missing)]
    )
    assert result.exit_code == 2, result.output
    errors = _errors(result.stderr)
    assert len(errors) == 1 and str(missing) in errors[0], result.stderr
    assert "kgraph build" in errors[0]  # says what to do
    assert result.stdout == ""
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("name", ["build", "eval", "candidates", "view"])
def test_exit_2_naming_the_file_when_the_only_input_is_missing(name, tmp_path):
    missing = str(tmp_path / "nonexistent.xml")
    args = [name, missing] + (["-o", str(tmp_path / "out")] if name == "build" else [])
    result = invoke(args)
    assert result.exit_code == 2, result.output
    errors = _errors(result.stderr)
    assert errors and all(line.count("error:") == 1 for line in errors)
    assert any(missing in line for line in errors), result.stderr
    assert "0 articles" not in result.stdout
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["build", "eval", "candidates"])
def test_exit_1_when_some_inputs_failed_but_the_rest_was_done(name, tmp_path):
    missing = str(tmp_path / "nonexistent.xml")
    good = str(SAMPLES_DIR) if name == "candidates" else GOOD_FEED
    args = [name, good, missing] + (
        ["-o", str(tmp_path), "--format", "json", "--no-cache"] if name == "build" else []
    )
    result = invoke(args)
    assert result.exit_code == 1, result.output
    assert _errors(result.stderr) == [f"error: {missing}: no such file or folder"]
    assert result.stdout.strip()
    if name == "build":
        assert (tmp_path / "graph.json").is_file()
    if name == "eval":
        assert result.stdout.splitlines()[-4].startswith("2 articles")


def test_eval_of_a_missing_file_exits_2_naming_it(tmp_path):
    result = invoke(["eval", "/nonexistent.xml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: /nonexistent.xml: no such file or folder",
        "error: no articles could be read",
    ]


@pytest.mark.parametrize("name", sorted(OK_RUNS))
def test_usage_errors_exit_2_in_the_same_style(name):
    result = invoke([*name.split(), "--no-such-option"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: ")
    [line] = _errors(result.stderr)  # the wording is click's
    assert line.startswith("error: No such option") and "--no-such-option" in line


@pytest.mark.parametrize(
    "args, message",
    [
        (["build", "--format", "pdf"], "unknown format(s) pdf"),
        (["export", "--format", "dot"], "'dot' is not one of"),
        (["map", "--format", "pdf"], "unknown format(s) pdf"),
        (["related"], "Missing argument 'ARTICLE'"),
        (["articles", "AWS", "-n", "0"], "Invalid value for '-n'"),
        (["build", "--timeout", "0"], "Invalid value for '--timeout'"),
        (["build", "--timeout", "-1"], "Invalid value for '--timeout'"),
        (["candidates", "--limit", "0"], "Invalid value for '--limit'"),
        (["candidates", "--limit", "-1"], "Invalid value for '--limit'"),
        (["candidates", "--min-articles", "0"], "Invalid value for '--min-articles'"),
        (["concepts", "--by", "votes"], "Invalid value for '--by'"),
        (["map", "--max-share", "2"], "Invalid value for '--max-share'"),
        (["eval", "--json=yes"], "Option '--json' does not take a value"),
        (["show"], "Missing argument 'CONCEPT'"),
        (["path", "golang"], "Missing argument 'B'"),
        (["info", "--graph"], "Option '--graph' requires an argument"),
        (["view", "a", "b"], "Got unexpected extra argument"),
        (["cache", "info", "--cache-dir"], "Option '--cache-dir' requires an argument"),
        (["cache", "clear", "--stale", "x"], "Got unexpected extra argument"),
        (["feed"], "Missing argument 'CONCEPT'"),
        (["diff", "a.graphml"], "Missing argument 'NEW'"),
        (["digest"], "Missing option '--since'"),
        (["digest", "--since", "2024", "--format", "pdf"], "Invalid value for '--format'"),
        (["digest", "--since", "yesterday"], "--since 'yesterday'"),
    ],
)
def test_bad_values_are_usage_errors(args, message, tmp_path):
    result = invoke([*args, "-o", str(tmp_path / "o")] if args[0] == "build" else args)
    assert result.exit_code == 2
    errors = _errors(result.stderr)
    assert len(errors) == 1 and message in errors[0], result.stderr


def test_every_command_is_in_these_tests():
    from kgraph.cli.cache import cache

    commands = {*main.commands, *(f"cache {c}" for c in cache.commands)} - {"cache"}
    assert commands == set(OK_RUNS)


#: every command that takes an article or concept name, with an unknown one
UNKNOWN_NAMES = {
    "related": ["related", "no such article at all"],
    "concepts": ["concepts", "no such article at all"],
    "articles": ["articles", "no-such-concept-xyz"],
    "show": ["show", "no-such-concept-xyz"],
    "path (first)": ["path", "no-such-concept-xyz", "S3"],
    "path (second)": ["path", "golang", "no-such-concept-xyz"],
    "path (catalogue only)": ["path", "golang", "#rust"],
}


@pytest.mark.parametrize("name", sorted(UNKNOWN_NAMES))
@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_an_unknown_name_exits_2(name, as_json, graph_file):
    args = [*UNKNOWN_NAMES[name], "--graph", str(graph_file)] + (["--json"] if as_json else [])
    result = invoke(args)
    assert result.exit_code == 2, result.output
    [line] = _errors(result.stderr)
    assert "no-such-concept-xyz" in line or "no such article" in line or "rust" in line
    assert result.stdout == ""


def test_a_path_between_unconnected_concepts_is_an_answer(graph_file, monkeypatch):
    from kgraph.query import GraphIndex

    monkeypatch.setattr(GraphIndex, "path", lambda self, a, b: None)
    result = invoke(["path", "golang", "S3", "--graph", str(graph_file)])
    assert result.exit_code == 0 and _errors(result.stderr) == []
    assert result.stdout.strip() == "Go and Amazon S3 are not connected"


@pytest.mark.parametrize("group", [[], ["cache"]], ids=["kgraph", "kgraph cache"])
def test_a_group_without_a_command_exits_2_after_its_help(group):
    result = invoke(group)
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: ") and "Commands:" in result.stderr
    assert _errors(result.stderr) == ["error: missing command: choose one of the above"]
    assert result.stdout == ""


def test_a_feed_of_an_unknown_concept_exits_2(graph_file, tmp_path):
    out = tmp_path / "x.xml"
    result = invoke(["feed", "no-such-concept-xyz", "--graph", str(graph_file), "-o", str(out)])
    assert result.exit_code == 2 and result.stdout == "" and not out.exists()
    [line] = _errors(result.stderr)
    assert "no-such-concept-xyz" in line


@pytest.mark.parametrize("which", ["old", "new"])
def test_diff_of_a_missing_graph_exits_2_naming_it(which, graph_file, tmp_path):
    missing = str(tmp_path / "none.graphml")
    args = [missing, str(graph_file)] if which == "old" else [str(graph_file), missing]
    result = invoke(["diff", *args])
    assert result.exit_code == 2 and result.stdout == ""
    [line] = _errors(result.stderr)
    assert missing in line


def test_an_unwritable_site_exits_2(graph_file, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = invoke(["site", "--no-map", "--graph", str(graph_file), "-o", str(blocker / "s")])
    assert result.exit_code == 2
    [line] = _errors(result.stderr)
    assert str(blocker) in line


def test_an_unwritable_output_exits_2(graph_file, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = invoke(
        ["export", "-f", "json", "--graph", str(graph_file), "-o", str(blocker / "g.json")]
    )
    assert result.exit_code == 2
    [line] = _errors(result.stderr)
    assert line.startswith(f"error: {blocker / 'g.json'}: cannot write: ")
