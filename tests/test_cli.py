"""The command line: exit codes, the text and JSON formats, standard input, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import FIXTURES, ROOT

ORPHAN = (
    'manifest_version = 1\n'
    '\n'
    '[services.CONTOSO]\n'
    'display_name = "Contoso Mail"\n'
    'providers = ["CONTOSO_AB"]\n'
    'flags = ["SERVICE_NO_PRIMARY_IDENTITY"]\n'
    '\n'
    '[providers.CONTOSO_AB]\n'
    'type = "MAPI_AB_PROVIDER"\n'
    'dll = "contoso.dll"\n'
    'dispaly = "Contoso Directory"\n'
    'display = "Contoso Directory"\n'
)


def test_clean_files_exit_0(cli):
    result = cli("check", FIXTURES / "valid")
    assert result.code == 0, result.out
    assert "All checks passed (8 files)." in result.out


def test_findings_exit_1_with_snippet_and_caret(cli, tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(ORPHAN)
    result = cli("check", path)
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == (f"{path}:11:1: MS104 unknown member `dispaly` in provider 'CONTOSO_AB';"
                        " did you mean `display`?")
    assert lines[1:4] == ["   |", "11 | dispaly = \"Contoso Directory\"", "   | ^^^^^^^"]
    assert lines[4] == "   = help: rename it to `display`"


def test_json_contract(cli, tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(ORPHAN)
    document = cli("check", "--format", "json", path).json()
    assert document["version"] == 1
    assert document["summary"] == {"files": 1, "findings": 1, "errors": 1, "warnings": 0, "info": 0}
    finding = document["findings"][0]
    assert finding == {
        "path": str(path), "line": 11, "column": 1, "end_line": 11, "end_column": 8,
        "code": "MS104", "severity": "error",
        "message": "unknown member `dispaly` in provider 'CONTOSO_AB'; did you mean `display`?",
        "pointer": "/providers/CONTOSO_AB/dispaly", "help": "rename it to `display`",
    }


def test_findings_are_sorted_by_path_line_column_code(cli):
    document = cli("check", "--format", "json", FIXTURES / "bad").json()
    keys = [(f["path"], f["line"], f["column"], f["code"]) for f in document["findings"]]
    assert keys == sorted(keys) and len(keys) >= 17


def test_stdin_with_and_without_a_name(cli):
    result = cli("check", "-", "--stdin-filename", "x.json", "--format", "json",
                 stdin=b'{"manifest_version": 1,\n "services": 3}')
    assert result.code == 1
    assert [(f["path"], f["code"], f["line"]) for f in result.json()["findings"]] == [
        ("x.json", "MS102", 2)]
    inf = cli("check", "-", stdin=b"[A]\n  # k=v\n")
    assert "MS006" in inf.out and inf.code == 0


def test_missing_path_is_exit_2_with_one_line(cli):
    result = cli("check", "no/such/file.toml")
    assert result.code == 2
    assert result.err.strip() == "mapisvc: no/such/file.toml: no such file or directory"


def test_usage_error_is_exit_2(cli):
    assert cli("check", "--format", "yaml").code == 2
    assert cli("explain", "MS999").code == 2


def test_walk_skips_toml_and_json_that_are_not_manifests(cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "package.json").write_text('{"name": "x"}')
    (tmp_path / "m.toml").write_text("manifest_version = 1\n")
    result = cli("check", tmp_path)
    assert result.code == 0 and "(1 file)" in result.out


def test_internal_error_is_a_message_not_a_traceback(cli, monkeypatch):
    from validator import engine

    def boom(*args, **kwargs):
        raise RuntimeError("kaput")

    monkeypatch.setattr(engine, "lint_path", boom)
    result = cli("check", FIXTURES / "valid" / "store.toml")
    assert result.code == 2
    assert "Traceback" not in result.err
    assert "internal error: RuntimeError: kaput (run with --debug" in result.err


def test_rules_and_explain(cli):
    listing = cli("rules")
    assert listing.code == 0 and "MS001  error    syntax error" in listing.out
    text = cli("explain", "ms104")
    assert text.code == 0 and text.out.startswith("MS104 (error): an unknown member")
    assert "## Example" in text.out


def test_schema_command(cli):
    assert cli("schema", "--path").out.strip().endswith("manifest.schema.json")
    assert '"$schema": "https://json-schema.org/draft/2020-12/schema"' in cli("schema").out


def test_python_dash_m_and_console_script_agree():
    env = {**os.environ, "NO_COLOR": "1"}
    out = subprocess.run([sys.executable, "-m", "validator", "check", str(FIXTURES / "bad")],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode == 1 and "MS104" in out.stdout and out.stderr == ""
