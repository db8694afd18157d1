"""One TOML dialect everywhere: the pinned tomli reads exactly what Python 3.11's tomllib reads.

mapisvc parses manifests with tomli 2.3.0 on every Python version (pyproject.toml
pins it): TOML 1.0, as the standard library's tomllib of Python 3.11, so a
manifest never passes on one machine and fails on another, and every TOML 1.0
reader (a user's own scripts, editors) reads what mapisvc accepted.
"""

from __future__ import annotations

import random
import tomllib

import pytest
import tomli
from hypothesis import given, settings
from hypothesis import strategies as st

from validator import engine

from .conftest import FIXTURES
from .test_fuzz import mutate

# TOML 1.1 additions (tomli 2.4+, maybe a future tomllib): each must stay MS001.
TOML_11_ONLY = [
    "x = {\n  a = 1,\n}\n",  # newlines and a trailing comma in an inline table
    'x = "\\e"\n',  # the \e escape
    'x = "\\x41"\n',  # the \xHH escape
    "x = 07:32\n",  # a time without seconds
]


def _stdlib_rejects(text: str) -> bool:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return True
    return False


def test_the_pinned_version_is_installed():
    from importlib.metadata import version

    assert version("tomli") == "2.3.0"


@pytest.mark.parametrize("text", TOML_11_ONLY)
def test_toml_11_syntax_is_ms001(text):
    data = ("manifest_version = 1\n[sections.A]\n" + text).encode()
    assert [d.code for d in engine.lint_bytes(data, "m.toml").diagnostics] == ["MS001"]


def _same(text: str) -> None:
    try:
        ours = tomli.loads(text)
    except tomli.TOMLDecodeError as err:
        with pytest.raises(tomllib.TOMLDecodeError) as theirs:
            tomllib.loads(text)
        assert str(err) == str(theirs.value)
        return
    assert tomllib.loads(text) == ours


def _require_toml_10_stdlib():
    if not all(_stdlib_rejects(text) for text in TOML_11_ONLY):
        pytest.skip("this Python's tomllib reads TOML 1.1: the comparison is for TOML 1.0 readers")


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.toml")), ids=lambda p: p.name)
def test_tomli_and_stdlib_agree_on_fixtures_and_their_mutants(path):
    _require_toml_10_stdlib()
    data = path.read_bytes()
    rng = random.Random(path.name)
    for round_ in range(20):
        mutant = data if round_ == 0 else mutate(data, rng, steps=1 + round_ % 3)
        try:
            text = mutant.decode("utf-8")
        except UnicodeDecodeError:
            continue
        _same(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='ab1.=[]{}"\'\\ \n\t#,:-eTxZ+0_', max_size=40))
def test_tomli_and_stdlib_agree_on_generated_text(text):
    _require_toml_10_stdlib()
    _same(text)
