"""Output formats: sarif (validated against the official schema), github, concise, json,
--statistics, colour and --output-file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ._inputs import DUPLICATE_KEY, HASH_COMMENT, inf_with, toml_with
from .conftest import FIXTURES, ROOT, run_cli

FAULTY_TOML = toml_with('colour = "blue"')  # MS104 at 6:1
# MS002 (error, with a related location) at 20:1 and MS006 (warning) at 21:1.
FAULTY_INF = inf_with(DUPLICATE_KEY, HASH_COMMENT)


@pytest.fixture
def inputs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "service.toml").write_text(FAULTY_TOML, encoding="utf-8")
    (tmp_path / "svc" / "mapisvc.inf").write_text(FAULTY_INF, encoding="utf-8")
    return ["svc/service.toml", "svc/mapisvc.inf"]


def findings_json(inputs, *args):
    result = run_cli("check", "--format", "json", *inputs, *args)
    return result.json()["findings"]


# --- SARIF ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_validator():
    import jsonschema
    from .conftest import SHARED, need

    path = SHARED / "reference" / "sarif-schema-2.1.0.json"
    need(path.is_file(), f"{path} is absent (it sits beside the repository in CI)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid_sarif(validator, document):
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_sarif_validates_and_carries_rules_and_regions(inputs, sarif_validator):
    from validator import rules

    result = run_cli("check", "--format", "sarif", *inputs)
    assert result.code == 1
    document = json.loads(result.out)
    assert_valid_sarif(sarif_validator, document)
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mapisvc"
    registry = rules.load_all()
    assert [r["id"] for r in driver["rules"]] == list(registry)
    for descriptor in driver["rules"]:
        rule = registry[descriptor["id"]]
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["help"]["text"] == rule.explanation
        assert "## What it catches" in descriptor["help"]["markdown"]
        assert descriptor["fullDescription"]["text"]
    # Each result matches the JSON contract's positions, and points at its rule.
    expected = findings_json(inputs)
    assert len(run["results"]) == len(expected) == 3
    for sarif, finding in zip(run["results"], expected):
        assert sarif["ruleId"] == finding["code"]
        assert driver["rules"][sarif["ruleIndex"]]["id"] == finding["code"]
        assert sarif["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding["severity"]]
        location = sarif["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == finding["path"]
        assert location["region"] == {"startLine": finding["line"], "startColumn": finding["column"],
                                      "endLine": finding["end_line"], "endColumn": finding["end_column"]}
    assert run["results"][0]["relatedLocations"]  # MS002: "first written here"
    assert run["results"][0]["ruleId"] == "MS002"


def test_sarif_of_a_clean_run_and_of_absolute_paths(sarif_validator, tmp_path):
    clean = run_cli("check", "--format", "sarif", str(FIXTURES / "valid"))
    assert clean.code == 0
    document = json.loads(clean.out)
    assert_valid_sarif(sarif_validator, document)
    assert document["runs"][0]["results"] == []
    faulty = tmp_path / "a b.toml"
    faulty.write_text(FAULTY_TOML, encoding="utf-8")
    document = json.loads(run_cli("check", "--format", "sarif", str(faulty)).out)
    assert_valid_sarif(sarif_validator, document)
    uri = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == faulty.as_uri() and "%20" in uri


def test_sarif_level_follows_severity_overrides(inputs, tmp_path, sarif_validator):
    (tmp_path / "mapisvc.toml").write_text('[severity]\nMS006 = "error"\nMS104 = "info"\n')
    document = json.loads(run_cli("check", "--format", "sarif", *inputs).out)
    assert_valid_sarif(sarif_validator, document)
    levels = {r["ruleId"]: r["level"] for r in document["runs"][0]["results"]}
    assert levels == {"MS002": "error", "MS006": "error", "MS104": "note"}


# --- github, concise, json -------------------------------------------------------------------

def test_github_workflow_commands(inputs):
    result = run_cli("check", "--format", "github", *inputs)
    assert result.code == 1
    lines = result.out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("::error file=svc/mapisvc.inf,line=20,col=1,endLine=20,endColumn=")
    assert ",title=mapisvc MS002::MS002 " in lines[0]
    assert lines[1].startswith("::warning file=svc/mapisvc.inf,line=21,col=1,")
    assert lines[2].startswith("::error file=svc/service.toml,line=6,col=1,")
    assert all("\n" not in line for line in lines)
    assert "%0Ahelp: " in lines[1]


def test_github_escaping():
    from validator.engine import Diagnostic, FileResult
    from validator.report.github import render

    diag = Diagnostic("dir,a:b%.toml", 1, 2, 1, 3, "MS001", "info", "50% bad\r\nnext")
    out = render([FileResult("x", [diag])], {})
    assert out == ("::notice file=dir%2Ca%3Ab%25.toml,line=1,col=2,endLine=1,endColumn=3,"
                   "title=mapisvc MS001::MS001 50%25 bad%0D%0Anext\n")


def test_concise(inputs):
    result = run_cli("check", "--format", "concise", *inputs)
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith("svc/mapisvc.inf:20:1: MS002 key 'pr_display_name' appears twice")
    assert lines[1].startswith("svc/mapisvc.inf:21:1: MS006 (warning) ")
    assert lines[2].startswith("svc/service.toml:6:1: MS104 unknown member `colour`")
    assert lines[3] == "Found 2 errors, 1 warning in 2 files."
    assert len(lines) == 4
    quiet = run_cli("check", "--format", "concise", "--quiet", *inputs)
    assert len(quiet.out.splitlines()) == 3


def test_json_contract(inputs):
    result = run_cli("check", "--format", "json", *inputs)
    document = result.json()
    assert document["version"] == 1
    assert document["summary"] == {"files": 2, "findings": 3, "errors": 2, "warnings": 1, "info": 0}
    keys = {"path", "line", "column", "end_line", "end_column", "code", "severity", "message"}
    for finding in document["findings"]:
        assert keys <= set(finding)
    # `pointer` where there is one: the manifest's JSON pointer, the INF section/key.
    assert document["findings"][0]["pointer"] == "/CONTOSO_STORE_MS/pr_display_name"
    assert "pointer" not in document["findings"][1]  # MS006: a comment line has none
    order = [(f["path"], f["line"], f["column"], f["code"]) for f in document["findings"]]
    assert order == sorted(order)
    assert document["findings"][2]["pointer"] == "/services/CONTOSO_STORE/colour"


# --- statistics --------------------------------------------------------------------------------

def test_statistics_text_and_json(inputs, tmp_path):
    (tmp_path / "svc" / "more.toml").write_text(FAULTY_TOML, encoding="utf-8")
    paths = [*inputs, "svc/more.toml"]
    result = run_cli("check", "--statistics", *paths)
    assert result.code == 1
    rows = [line.split(None, 3) for line in result.out.splitlines()]
    assert [(r[0], r[1], r[2]) for r in rows] == [("2", "MS104", "error"), ("1", "MS002", "error"),
                                                  ("1", "MS006", "warning")]
    assert rows[0][3] == "an unknown member (misspelt key)"
    document = run_cli("check", "--statistics", "--format", "json", *paths).json()
    assert document["statistics"][0] == {"code": "MS104", "count": 2, "severity": "error",
                                         "summary": "an unknown member (misspelt key)"}
    assert document["summary"]["findings"] == 4
    clean = run_cli("check", "--statistics", str(FIXTURES / "valid"))
    assert clean.code == 0 and clean.out == "No findings.\n"
    refused = run_cli("check", "--statistics", "--format", "sarif", *inputs)
    assert refused.code == 2 and "--statistics" in refused.err


# --- colour and --output-file -------------------------------------------------------------------

def test_colour_is_forced_or_refused_by_options(inputs, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    plain = run_cli("check", *inputs)
    assert "\033[" not in plain.out  # not a terminal
    forced = run_cli("check", "--color", *inputs)
    assert "\033[1;31mMS002\033[0m" in forced.out
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" in run_cli("check", "--color", "--format", "concise", *inputs).out
    assert "\033[" not in run_cli("check", "--color", "--format", "json", *inputs).out


@pytest.mark.skipif(not sys.platform.startswith(("linux", "darwin")), reason="needs a pty")
@pytest.mark.parametrize("no_color,coloured", [(None, True), ("1", False), ("", True)])
def test_colour_on_a_terminal_honours_no_color(inputs, no_color, coloured):
    import pty

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if no_color is not None:
        env["NO_COLOR"] = no_color
    env["PYTHONPATH"] = str(ROOT)
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "validator", "check", *inputs],
                              stdout=follower, stderr=subprocess.PIPE, env=env, timeout=60)
        os.close(follower)
        follower = None
        output = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        if follower is not None:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 1, done.stderr
    assert (b"\033[" in output) is coloured


def test_output_file(inputs, tmp_path):
    target = tmp_path / "out" / "report.sarif"
    target.parent.mkdir()
    result = run_cli("check", "--format", "sarif", "--output-file", str(target), *inputs)
    assert result.code == 1
    assert result.out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
    text = tmp_path / "report.txt"
    run_cli("check", "-o", str(text), *inputs)
    assert "\033[" not in text.read_text(encoding="utf-8")
    assert "svc/service.toml:6:1: MS104" in text.read_text(encoding="utf-8")


def test_walked_paths_are_normalised_for_github_and_sarif(inputs):
    github = run_cli("check", "--format", "github", "./svc").out
    assert "file=svc/mapisvc.inf," in github and "file=./" not in github
    sarif = json.loads(run_cli("check", "--format", "sarif", "./svc").out)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]}
    assert uris == {"svc/mapisvc.inf", "svc/service.toml"}
