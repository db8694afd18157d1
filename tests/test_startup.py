"""`mapisvc check` starts lean: a pre-commit hook runs it on every commit.

No timing here (too noisy for CI): these tests assert what start-up must not
do.  Checking a small manifest imports nothing it does not need (no argparse
for a plain command line, no dataclasses, pathlib, hashlib, difflib, inspect,
jsonschema-rs…), and the argparse-free reading of `check`'s command line agrees
with argparse wherever it answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import FIXTURES

#: Modules that checking fixtures/valid/store.toml must not import, and why they
#: would be there: each costs start-up time and none is needed for that input.
NOT_NEEDED = {
    "argparse": "a plain `check` command line is read without it",
    "shutil": "argparse's help formatter",
    "gettext": "argparse's messages",
    "dataclasses": "the model and rules use plain __slots__ classes",
    "inspect": "rule docstrings are cleaned only for `explain`",
    "pathlib": "paths are strings on the check path",
    "urllib": "pathlib",
    "hashlib": "cache file names use a small FNV digest",
    "difflib": "suggestions only for findings",
    "jsonschema_rs": "a few manifests are validated by validator.schema_lite",
    "email": "package metadata, only for --version",
    "importlib.metadata": "only for --version",
    "multiprocessing": "one small file is linted in-process",
    "concurrent": "one small file is linted in-process",
    "tempfile": "nothing is written when the header cache is warm",
    "pefile": "only for --dll",
    "validator.readers.header": "known tags come from the on-disk cache",
    "validator.readers.inf": "a manifest, not MAPISVC.INF",
    "validator.readers.toml_source": "positions are computed only for findings",
    "validator.rules.dll": "describes codes only; the registry is loaded to look codes up",
    "validator.report.json_format": "the text reporter was asked for",
    "fnmatch": "only exclusion patterns (walking, --force-exclude) need it",
    "importlib": "commands and rules are imported with __import__",
    "typing": "annotations are postponed; typing is imported only under TYPE_CHECKING",
}

#: Imported today by modules another branch is slimming: remove an entry once
#: it is gone, so that the test guards it too.
STILL_IMPORTED_ELSEWHERE: dict[str, str] = {}

_PROBE = """
import json, sys
before = set(sys.modules)  # what the interpreter and site (an editable install's finder) loaded
sys.argv = ["mapisvc", "check", sys.argv[1], "-q"]
from validator.cli import main
code = main()
print(json.dumps({"code": code, "modules": sorted(set(sys.modules) - before)}))
"""


def _modules_after_check(path, cache_dir) -> tuple[int, set[str]]:
    env = {**os.environ, "MAPISVC_CACHE_DIR": str(cache_dir)}
    out = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True,
                         env=env, cwd=cache_dir, check=True).stdout
    report = json.loads(out.splitlines()[-1])
    return report["code"], set(report["modules"])


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    cache = tmp_path_factory.mktemp("startup-cache")
    _modules_after_check(FIXTURES / "valid" / "store.toml", cache)  # fills the header cache
    code, modules = _modules_after_check(FIXTURES / "valid" / "store.toml", cache)
    assert code == 0
    return modules


@pytest.mark.parametrize("module", sorted(NOT_NEEDED))
def test_checking_a_small_manifest_does_not_import(loaded, module):
    imported = {m for m in loaded if m == module or m.startswith(module + ".")}
    if module in STILL_IMPORTED_ELSEWHERE and imported:
        pytest.xfail(f"{module}: still imported by {STILL_IMPORTED_ELSEWHERE[module]}")
    assert not imported, f"{module} imported ({NOT_NEEDED[module]})"


def test_the_inf_global_sections_are_named_alike_without_importing_the_reader():
    from validator.readers.inf import GLOBAL_SECTIONS
    from validator.rules.services import _GLOBAL_FOLDED

    assert tuple(_GLOBAL_FOLDED.values()) == GLOBAL_SECTIONS


def test_the_probe_sees_what_checking_needs(loaded):
    # Guards the test itself: a probe that checked nothing would pass the above.
    assert {"validator.engine", "validator.rules", "validator.readers.manifest", "tomli"} <= loaded


ARGVS = [
    [], ["-q"], ["a.toml"], ["a.toml", "-q"], ["-q", "a.toml", "b.json"], ["a.toml", "b.inf", "--strict"],
    ["-", "--stdin-filename", "x.toml"], ["--format", "json", "a"], ["--format=sarif", "a"],
    ["--format", "xml", "a"], ["--format"], ["-o", "out.txt", "a"], ["-o=out.txt"], ["--output-file=o", "."],
    ["--select", "MS1,MS2", "--select=MS3", "--ignore", "MS201", "--extend-select", "MS7", "x"],
    ["--jobs", "2"], ["-j", "3", "a"], ["-j2"], ["--jobs", "x"], ["--jobs", "-1"], ["--jobs=٣"],
    ["--color"], ["--no-colour", "a"], ["--color", "--no-color"], ["--colour", "--color"],
    ["--mapi-include", "inc", "--header", "h.h", "--dll", "p.dll", "m.toml"],
    ["--statistics", "--report-unused-ignores", "--force-exclude", "--debug", "a"],
    ["a", "-q", "b"], ["a", "--format", "json", "b"], ["-q", "a", "-q"], ["--quiet=1"], ["--stat"],
    ["--help"], ["-h"], ["--", "a"], ["-qa"], ["--config", "mapisvc.toml", "a"], ["--config"],
    ["-x"], ["--select", "-MS1"], ["", "a"], ["--strict", "--strict"],
]


@pytest.mark.parametrize("argv", ARGVS, ids=lambda argv: " ".join(argv) or "(none)")
def test_simple_command_lines_read_as_argparse_reads_them(argv, capsys):
    from validator.cli import build_parser
    from validator.commands.check import simple_args

    simple = simple_args(argv)
    if simple is None:
        return  # argparse reads it
    expected = vars(build_parser("check").parse_args(["check", *argv]))
    assert vars(simple) == expected


def test_plain_command_lines_do_not_fall_back_to_argparse():
    from validator.commands.check import simple_args

    for argv in (["fixtures/valid/store.toml", "-q"], ["--force-exclude", "a.toml", "b.inf"],
                 ["--format", "json", "-o", "r.json", "."]):
        assert simple_args(argv) is not None, argv


def test_check_modules_name_every_module_with_checks_and_their_kinds():
    from validator import rules

    kinds: dict[str, set[str]] = {}
    for entry in rules.load_all().values():
        if entry.check is not None:
            module = entry.check.__module__.rpartition(".")[2]
            kinds.setdefault(module, set()).update(entry.applies)
    assert kinds == {name: set(letters) for name, letters in rules.CHECK_MODULES.items()}


@pytest.mark.parametrize("patterns", [
    None, ("gen/*.toml",), ("gen",), ("docs/generated", "build"),
    ("a b", ".x", "gen/*.toml", "[ab]c", "x?y", "tests/fixtures"), ("a/",), ("/abs/x",), ("",),
], ids=repr)
def test_exclusions_without_wildcards_match_as_fnmatch_does(patterns):
    import fnmatch
    import re

    from validator import files

    patterns = files.DEFAULT_EXCLUDE if patterns is None else patterns
    norm = os.path.normcase
    part_re = re.compile("|".join(fnmatch.translate(norm(p)) for p in patterns))
    whole_re = re.compile("|".join(fnmatch.translate(norm(p)) + "|" + fnmatch.translate(norm(f"*/{p}"))
                                   for p in patterns))
    parts, whole = files._exclude_matchers(tuple(patterns))
    for text in ("a", "gen", "x/gen", "gen/out.toml", "src/gen/out.toml", "src/general/out.toml",
                 "docs/generated", "x/docs/generated", "docs/generated/y", "build", "a/build",
                 "a/build/x", "a b", "q/a b", ".x", "ac", "xzy", "tests/fixtures", "u/tests/fixtures",
                 ".git", "x/.git", "", "/", "/abs/x", "abs/x", "a/", "x/a/", "//", "a//b"):
        assert bool(parts(text)) == bool(part_re.match(norm(text))), text
        assert bool(whole(text)) == bool(whole_re.match(norm(text))), text


def test_the_known_tags_index_is_kept_reused_and_refreshed(tmp_path, monkeypatch):
    from validator import tags

    monkeypatch.setenv("MAPISVC_CACHE_DIR", str(tmp_path / "cache"))
    include = tmp_path / "include"
    include.mkdir()
    header = include / "vendor.h"
    header.write_text("#define PR_VENDOR_X PROP_TAG(PT_LONG, 0x6610)\n")
    monkeypatch.setattr(tags, "_FILES", {})
    monkeypatch.setattr(tags, "_BUILT", {})
    first = tags.known_tags([include])
    assert first.lookup("PR_VENDOR_X") == [(0x6610, 3)]
    kept = list((tmp_path / "cache" / "known-tags").iterdir())
    assert len(kept) == 1
    # A new process reads the whole index from that one file: no header is parsed.
    import validator.readers.header as reader

    monkeypatch.setattr(tags, "_FILES", {})
    monkeypatch.setattr(tags, "_BUILT", {})
    monkeypatch.setattr(reader, "read_header_file", lambda *a, **k: pytest.fail("re-parsed"))
    again = tags.known_tags([include])
    assert (again._by_name, again._by_tag, again._by_id) == (first._by_name, first._by_tag, first._by_id)
    assert all(type(t) is tags.KnownTag for rows in again._by_name.values() for t in rows)
    monkeypatch.undo()
    # A changed header is read again; a damaged index only costs the rebuild.
    monkeypatch.setenv("MAPISVC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(tags, "_FILES", {})
    monkeypatch.setattr(tags, "_BUILT", {})
    header.write_text("#define PR_VENDOR_X PROP_TAG(PT_UNICODE, 0x6611)\n")
    assert tags.known_tags([include]).lookup("PR_VENDOR_X") == [(0x6611, 0x1F)]
    for path in (tmp_path / "cache" / "known-tags").iterdir():
        path.write_bytes(b"\x00damaged")
    monkeypatch.setattr(tags, "_BUILT", {})
    assert tags.known_tags([include]).lookup("PR_VENDOR_X") == [(0x6611, 0x1F)]
