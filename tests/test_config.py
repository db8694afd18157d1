"""Configuration: discovery, validation, selection, severities, per-file ignores, excludes."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from ._inputs import HASH_COMMENT, inf_with
from .conftest import FIXTURES, ROOT, run_cli

VALID = FIXTURES / "valid"
STORE_TOML = (VALID / "store.toml").read_text(encoding="utf-8")
STORE_JSON = (VALID / "store.json").read_text(encoding="utf-8")
# One fault, one finding: an unknown member in the service (MS104, error), line 6.
FAULTY_TOML = STORE_TOML.replace("[services.CONTOSO_STORE]\n",
                                 "[services.CONTOSO_STORE]\ncolour = \"blue\"\n", 1)
FAULTY_JSON = STORE_JSON.replace('"display_name": "Contoso Mailbox Store",',
                                 '"display_name": "Contoso Mailbox Store", "colour": "blue",', 1)
# A '#' comment with '=' in MAPISVC.INF: MS006, a warning (exit 0 by default).
WARNING_INF = inf_with(HASH_COMMENT)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def codes(result) -> list[str]:
    return [f["code"] for f in result.json()["findings"]]


def check(*args, **kwargs):
    return run_cli("check", "--format", "json", *args, **kwargs)


@pytest.fixture
def faulty(tmp_path):
    assert FAULTY_TOML != STORE_TOML and FAULTY_JSON != STORE_JSON
    return write(tmp_path / "src" / "service.toml", FAULTY_TOML)


def test_without_configuration_every_rule_applies(faulty):
    result = check(faulty)
    assert result.code == 1
    assert codes(result) == ["MS104"]
    first = result.json()["findings"][0]
    assert (first["line"], first["column"]) == (6, 1)


@pytest.mark.parametrize("name,text", [
    ("mapisvc.toml", 'ignore = ["MS104"]\n'),
    (".mapisvc.toml", 'ignore = ["MS104"]\n'),
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool.mapisvc]\nignore = ["MS104"]\n'),
])
def test_configuration_is_found_walking_up(tmp_path, faulty, name, text):
    write(tmp_path / name, text)
    result = check(faulty)
    assert result.code == 0, result.err
    assert codes(result) == []


def test_pyproject_without_tool_table_is_passed_over(tmp_path, faulty):
    write(tmp_path / "mapisvc.toml", 'ignore = ["MS104"]\n')
    write(tmp_path / "src" / "pyproject.toml", '[project]\nname = "mapisvc-user"\n')
    assert check(faulty).code == 0


def test_nearest_configuration_wins_and_dot_file_first(tmp_path, faulty):
    write(tmp_path / "mapisvc.toml", 'ignore = ["MS104"]\n')
    write(tmp_path / "src" / "mapisvc.toml", 'select = ["ALL"]\n')
    assert codes(check(faulty)) == ["MS104"]
    write(tmp_path / "src" / ".mapisvc.toml", 'ignore = ["MS1"]\n')
    assert codes(check(faulty)) == []


def test_explicit_config_replaces_discovery(tmp_path, faulty):
    write(tmp_path / "mapisvc.toml", 'ignore = ["MS104"]\n')
    other = write(tmp_path / "elsewhere" / "strict.toml", 'select = ["ALL"]\n')
    assert codes(check(faulty, "--config", other)) == ["MS104"]
    pyproject = write(tmp_path / "p" / "pyproject.toml", '[tool.mapisvc]\nignore = ["MS104"]\n')
    assert codes(check(faulty, "--config", pyproject)) == []


def test_missing_explicit_config_is_a_usage_error(faulty, tmp_path):
    result = check(faulty, "--config", tmp_path / "nope.toml")
    assert result.code == 2
    assert "nope.toml" in result.err


def test_command_line_wins_over_configuration(tmp_path, faulty):
    write(tmp_path / "mapisvc.toml", 'ignore = ["MS104"]\n')
    assert codes(check(faulty)) == []
    # --select starts a new selection: the configuration's ignore no longer applies.
    assert codes(check(faulty, "--select", "MS104")) == ["MS104"]
    assert codes(check(faulty, "--select", "MS0,MS1")) == ["MS104"]
    assert codes(check(faulty, "--select", "MS00")) == []
    assert codes(check(faulty, "--extend-select", "MS104")) == ["MS104"]


def test_select_extend_select_and_ignore_in_configuration(tmp_path, faulty):
    config = write(tmp_path / "mapisvc.toml", 'select = ["MS0"]\n')
    assert codes(check(faulty)) == []
    config.write_text('select = ["MS0"]\nextend-select = ["MS10"]\n', encoding="utf-8")
    assert codes(check(faulty)) == ["MS104"]
    config.write_text('extend-select = ["MS10"]\nignore = ["MS104"]\n', encoding="utf-8")
    assert codes(check(faulty)) == []
    assert codes(check(faulty, "--ignore", "MS101")) == []


def test_unknown_code_on_the_command_line_is_a_usage_error(faulty):
    result = check(faulty, "--ignore", "MS104,MS9999")
    assert result.code == 2
    assert "--ignore" in result.err and "MS9999" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("text,position,words", [
    ('select = ["MS1"]\nper_file_ignores = {}\n', "2:1", ["per_file_ignores", "did you mean 'per-file-ignores'"]),
    ('ignore = ["MS104", "MS999"]\n', "1:20", ["unknown rule code 'MS999'", "'ignore'"]),
    ('ignore = "MS104"\n', "1:1", ["'ignore' must be an array"]),
    ('[severity]\nMS104 = "fatal"\n', "2:1", ["severity of MS104", "error, warning, info"]),
    ('[severity]\nMS777 = "error"\n', "2:1", ["unknown rule code 'MS777'"]),
    ('[per-file-ignores]\n"legacy/*.toml" = ["MS1O4"]\n', "2:20", ["unknown rule code 'MS1O4'", "legacy/*.toml"]),
    ('exclude = [1]\n', "1:1", ["'exclude' must be an array of glob strings"]),
    ('mapi-include = 3\n', "1:1", ["'mapi-include'"]),
    ('headers = ["a.h"]\n', "1:1", ["'headers' must be a table"]),
    ('ignore = ["MS104"\n', "1:", ["invalid TOML"]),
])
def test_configuration_errors_are_reported_with_position_and_exit_2(tmp_path, faulty, text,
                                                                     position, words):
    config = write(tmp_path / "mapisvc.toml", text)
    result = check(faulty)
    assert result.code == 2
    assert result.out == ""  # nothing is linted under a broken configuration
    assert f"{config}:{position}" in result.err, result.err
    for word in words:
        assert word in result.err
    assert "Traceback" not in result.err


def test_every_problem_of_a_configuration_is_listed(tmp_path, faulty):
    write(tmp_path / "pyproject.toml",
          '[tool.mapisvc]\nselectt = ["MS1"]\nignore = ["MS999"]\n')
    result = check(faulty)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 2
    assert "tool.mapisvc.selectt" in lines[0] and ":2:1:" in lines[0]
    assert "MS999" in lines[1] and ":3:" in lines[1]


def test_severity_override_changes_the_exit_code(tmp_path):
    inf = write(tmp_path / "svc" / "mapisvc.inf", WARNING_INF)
    result = check(inf)
    assert result.code == 0 and codes(result) == ["MS006"]
    assert result.json()["findings"][0]["severity"] == "warning"
    write(tmp_path / "mapisvc.toml", '[severity]\nMS006 = "error"\n')
    result = check(inf)
    assert result.code == 1
    assert result.json()["findings"][0]["severity"] == "error"
    assert result.json()["summary"]["errors"] == 1


def test_severity_can_lower_an_error(tmp_path, faulty):
    write(tmp_path / "mapisvc.toml", 'severity = { MS1 = "error", MS104 = "info" }\n')
    result = check(faulty)
    assert result.code == 0
    assert result.json()["findings"][0]["severity"] == "info"
    assert check(faulty, "--strict").code == 1


def test_per_file_ignores(tmp_path):
    legacy = write(tmp_path / "legacy" / "old.json", FAULTY_JSON)
    current = write(tmp_path / "current" / "new.json", FAULTY_JSON)
    write(tmp_path / "mapisvc.toml", '[per-file-ignores]\n"legacy/*.json" = ["MS104"]\n')
    assert codes(check(legacy)) == []
    assert codes(check(current)) == ["MS104"]
    # A glob without '/' matches the file name anywhere below.
    write(tmp_path / "mapisvc.toml", '[per-file-ignores]\n"new.json" = ["MS1"]\n')
    assert codes(check(current)) == []
    assert codes(check(legacy)) == ["MS104"]


def test_exclude_applies_to_walking_and_to_forced_named_files(tmp_path, monkeypatch):
    write(tmp_path / "vendor" / "theirs.toml", FAULTY_TOML)
    write(tmp_path / "mine" / "ours.toml", FAULTY_TOML)
    write(tmp_path / "mapisvc.toml", 'exclude = ["vendor"]\n')
    monkeypatch.chdir(tmp_path / "mine")
    result = check(tmp_path)
    assert [Path(f["path"]).name for f in result.json()["findings"]] == ["ours.toml"]
    named = tmp_path / "vendor" / "theirs.toml"
    assert codes(check(named)) == ["MS104"]  # named on the command line: checked
    assert codes(check(named, "--force-exclude")) == []  # as pre-commit runs it


def test_force_exclude_skips_toml_that_is_not_a_manifest(tmp_path):
    pyproject = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert check(pyproject).code == 1  # named: read as a manifest, and it is not one
    result = check(pyproject, "--force-exclude")
    assert result.code == 0 and result.json()["summary"]["files"] == 0


def test_mapi_include_and_headers_feed_the_engine(tmp_path, monkeypatch):
    from validator import config
    from validator.commands.check import _Run

    write(tmp_path / "mapisvc.toml",
          'mapi-include = "sdk/include"\n[headers]\n"service.toml" = "include/service.h"\n')
    manifest = write(tmp_path / "service.toml", STORE_TOML)
    settings = config.Settings()
    cfg = settings.config_for(str(manifest))
    assert settings.mapi_include(cfg) == [str(tmp_path / "sdk" / "include")]
    assert settings.headers_for(str(manifest), cfg) == str(tmp_path / "include" / "service.h")
    context = _Run(None, settings).context(cfg)
    assert context.mapi_include == (str(tmp_path / "sdk" / "include"),)
    # The command line wins.
    settings = config.Settings(config.Overrides(mapi_include=["/opt/sdk"]))
    assert settings.mapi_include(settings.config_for(str(manifest))) == ["/opt/sdk"]

    # The pair reaches the header check, as --header FILE would.
    seen = {}

    def check_artefacts(results, headers, dlls, context, problems=None):
        seen["headers"], seen["dlls"] = list(headers), list(dlls)
        return []

    monkeypatch.setitem(sys.modules, "validator.artefacts",
                        types.SimpleNamespace(check_artefacts=check_artefacts))
    assert check(manifest).code == 0
    assert seen["headers"] == [str(tmp_path / "include" / "service.h")]
    assert check(manifest, "--header", "other.h").code == 0
    assert seen["headers"] == ["other.h"]


def test_stdin_uses_the_configuration_of_its_name(tmp_path, monkeypatch):
    write(tmp_path / "mapisvc.toml", '[per-file-ignores]\n"legacy/*" = ["MS104"]\n')
    monkeypatch.chdir(tmp_path)
    data = FAULTY_TOML.encode()
    result = check("-", "--stdin-filename", "legacy/x.toml", stdin=data)
    assert result.code == 0 and codes(result) == []
    result = check("-", "--stdin-filename", "current/x.toml", stdin=data)
    assert codes(result) == ["MS104"]
    assert result.json()["findings"][0]["path"] == "current/x.toml"
    # With --stdin-filename and no PATH, standard input is read.
    result = check("--stdin-filename", "current/x.toml", stdin=data)
    assert codes(result) == ["MS104"]


def test_no_configuration_means_no_toml_machinery_at_start_up(tmp_path):
    # Discovery without a configuration file is a few stat calls: no tomllib,
    # no rule registry.  (pyproject.toml without [tool.mapisvc] is not parsed.)
    write(tmp_path / "pyproject.toml", '[project]\nname = "mapisvc-user"\n\n'
          '[project.scripts]\nmapisvc-user = "x:main"\n\n[tool.setuptools]\npackages = []\n')
    inf = write(tmp_path / "mapisvc.inf", "[Services]\n")
    probe = ("import sys\nfrom validator import config\n"
             "settings = config.Settings()\n"
             f"assert settings.for_file({str(inf)!r}).config is config.DEFAULT\n"
             "print(sorted(m for m in ('tomllib', 'validator.rules', 'json') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_findings_added_by_the_header_comparison_follow_the_configuration(tmp_path, monkeypatch):
    # check_artefacts adds findings to the manifests' results and returns the headers'
    # results; both go through selection, suppressions and severity like any other.
    from validator.engine import Diagnostic, FileResult

    def check_artefacts(results, headers, dlls, context, problems=None):
        results[0].diagnostics.append(Diagnostic(results[0].path, 1, 1, 1, 2, "MS003", "error", "x"))
        return [FileResult(headers[0], [Diagnostic(headers[0], 1, 1, 1, 2, "MS001", "error", "y")])]

    monkeypatch.setitem(sys.modules, "validator.artefacts",
                        types.SimpleNamespace(check_artefacts=check_artefacts))
    manifest = write(tmp_path / "service.toml", STORE_TOML)
    header = tmp_path / "service.h"
    assert codes(check(manifest, "--header", header)) == ["MS001", "MS003"]
    write(tmp_path / "mapisvc.toml", '[severity]\nMS001 = "warning"\n[per-file-ignores]\n"*.toml" = ["MS003"]\n')
    result = check(manifest, "--header", header)
    assert codes(result) == ["MS001"] and result.code == 0
