"""Editors: the schema that `mapisvc schema` prints is what independent validators use.

taplo (the engine of VS Code's Even Better TOML) validates the TOML fixtures
against the schema file; python-jsonschema (what VS Code's JSON support follows:
draft 2020-12) validates the JSON fixtures.  Both must accept every valid
fixture and reject a faulty one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT, need

VALID = FIXTURES / "valid"


def _taplo() -> str | None:
    beside = Path(sys.executable).parent / "taplo"
    return str(beside) if beside.exists() else shutil.which("taplo")


def _schema_path(cli) -> Path:
    done = cli("schema", "--path")
    assert done.code == 0
    return Path(done.out.strip())


def _faulty_toml(tmp_path: Path) -> Path:
    text = (VALID / "store.toml").read_text(encoding="utf-8")
    bad = tmp_path / "faulty.toml"
    bad.write_text(text.replace('dll = "cstore.dll"', 'dll = 42', 1), encoding="utf-8")
    return bad


def test_schema_command_prints_the_schema_file(cli):
    path = _schema_path(cli)
    assert path.is_file()
    printed = cli("schema")
    assert printed.code == 0
    assert json.loads(printed.out) == json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(printed.out)["$schema"].endswith("/2020-12/schema")


@pytest.mark.parametrize("name", sorted(p.name for p in VALID.glob("*.toml")))
def test_fixtures_point_editors_at_the_schema(name):
    # The `#:schema` directive (taplo / Even Better TOML) resolves to the shipped schema.
    first = (VALID / name).read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#:schema ")
    target = (VALID / first.split(None, 1)[1]).resolve()
    assert target == (ROOT / "schema" / "manifest.schema.json").resolve()


def test_taplo_accepts_valid_fixtures_and_rejects_a_faulty_one(cli, tmp_path):
    taplo = _taplo()
    need(taplo is not None, "taplo is not installed (pip install -e '.[test]')")
    schema = _schema_path(cli).as_uri()
    valid = sorted(str(p) for p in VALID.glob("*.toml"))
    assert valid
    ok = subprocess.run([taplo, "check", "--schema", schema, *valid],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = subprocess.run([taplo, "check", "--schema", schema, str(_faulty_toml(tmp_path))],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0
    assert "faulty.toml" in bad.stdout + bad.stderr


def test_taplo_follows_the_schema_directive(tmp_path):
    # Without --schema, taplo reads `#:schema` at the top of the file, as the editor does.
    taplo = _taplo()
    need(taplo is not None, "taplo is not installed (pip install -e '.[test]')")
    text = (VALID / "store.toml").read_text(encoding="utf-8").splitlines(keepends=True)
    schema = (ROOT / "schema" / "manifest.schema.json").as_uri()
    bad = tmp_path / "faulty.toml"
    bad.write_text(f"#:schema {schema}\n" + "".join(text[1:]).replace('dll = "cstore.dll"', "dll = 42", 1),
                   encoding="utf-8")
    done = subprocess.run([taplo, "check", str(bad)], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    assert done.returncode != 0, done.stdout + done.stderr


def test_jsonschema_accepts_valid_json_fixtures_and_rejects_a_faulty_one(cli):
    import jsonschema

    schema = json.loads(_schema_path(cli).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    fixtures = sorted(VALID.glob("*.json"))
    assert fixtures
    for path in fixtures:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert "$schema" in document  # VS Code's JSON support picks the schema up from it
        errors = list(validator.iter_errors(document))
        assert not errors, f"{path.name}: {errors[0].message}"
    faulty = json.loads((VALID / "store.json").read_text(encoding="utf-8"))
    next(iter(faulty["services"].values()))["dll"] = 42
    assert list(validator.iter_errors(faulty))
