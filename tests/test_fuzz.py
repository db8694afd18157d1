"""Fuzzing: whatever the bytes, mapisvc ends with findings or a one-line message.

Every file of ../shared/corpus and of fixtures/ is mutated byte by byte
(deterministically, then by Hypothesis, which also builds structured TOML and
JSON) and read through ``engine.lint_bytes`` in every format; some mutants go
through the CLI in-process, and a batch through the real program in a
subprocess with a timeout, so that a hang fails the test instead of blocking
the suite.  Hypothesis' deadline is the per-example guard against slowness.
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator import engine

from .conftest import FIXTURES, IN_CI, ROOT, SHARED, run_cli

CORPUS = SHARED / "corpus"
HAS_HEADER_LINT = importlib.util.find_spec("validator.readers.header_lint") is not None


def _seeds() -> list[Path]:
    found = sorted(p for p in FIXTURES.rglob("*") if p.is_file())
    if CORPUS.is_dir():
        found += sorted(p for p in CORPUS.rglob("*") if p.is_file())
    elif IN_CI:
        raise RuntimeError(f"{CORPUS} is required in CI")
    return found


SEEDS = _seeds()
FORMATS = ("toml", "json", "inf") + (("header",) if HAS_HEADER_LINT else ())
CODE = re.compile(r"MS\d{3}")
SEVERITIES = ("error", "warning", "info")

# Bytes that matter to the readers: structure, quotes, escapes, encodings.
TOKENS = (b"[", b"]", b"[[", b"]]", b"{", b"}", b'"', b"'", b'"""', b"'''", b"=", b":", b",",
          b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xfe", b"\xef\xbb\xbf", b"\xff\xfe", b"\\",
          b"\\u", b"\\U0010FFFF", b"#", b";", b"0x", b"0xFFFFFFFFFFFFFFFFFF", b"1e999", b"-", b".",
          b"inf", b"nan", b"\t", b"\xc3", b"\xe2\x80\xa8", b"\xed\xa0\x80", b"PR_", b"[Services]",
          b"manifest_version = 1\n", b'"manifest_version": 1', b"Providers=", b"\x1b[31m")


def fmt_of(path: Path) -> str:
    """The file's own format; a header reads as INF until header linting is merged."""
    fmt = engine.detect_format(str(path)) or "toml"
    return fmt if fmt in FORMATS else "inf"


def mutate(data: bytes, rng: random.Random, steps: int) -> bytes:
    buf = bytearray(data)
    for _ in range(steps):
        pos = rng.randint(0, len(buf))
        op = rng.randrange(6)
        if op == 0 and buf:  # flip one byte
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:  # insert a token
            buf[pos:pos] = rng.choice(TOKENS) * rng.choice((1, 1, 1, 3, 200))
        elif op == 2:  # delete a range
            del buf[pos:pos + rng.randint(1, 64)]
        elif op == 3:  # duplicate a range
            buf[pos:pos] = buf[pos:pos + rng.randint(1, 256)]
        elif op == 4:  # truncate
            del buf[pos:]
        else:  # random bytes
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(buf)


def assert_clean(result: engine.FileResult, data: bytes) -> None:
    """A result is findings with sane positions and one-line messages."""
    assert isinstance(result, engine.FileResult)
    # An upper bound on the lines any reader may count (CR, LF, and what
    # str.splitlines() also breaks on).
    lines = (len(data.decode("latin-1").splitlines()) + data.count(b"\xe2\x80\xa8")
             + data.count(b"\xe2\x80\xa9") + 1)
    for d in result.diagnostics:
        assert CODE.fullmatch(d.code), d
        assert d.severity in SEVERITIES, d
        assert d.message and "\n" not in d.message, d
        assert 1 <= d.line <= lines + 1 and d.column >= 1, d
        assert (d.end_line, d.end_column) >= (d.line, d.column), d


def lint_all_formats(data: bytes, name: str) -> None:
    for fmt in FORMATS:
        assert_clean(engine.lint_bytes(data, f"{name}.{fmt}", fmt), data)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_every_seed_file_mutated_never_raises(seed):
    data = seed.read_bytes()
    rng = random.Random(seed.name)
    assert_clean(engine.lint_bytes(data, seed.name, fmt_of(seed)), data)
    for round_ in range(12):
        mutant = mutate(data, rng, steps=1 + round_ % 4)
        assert_clean(engine.lint_bytes(mutant, seed.name, fmt_of(seed)), mutant)
    # The original in the other formats: a TOML file read as INF, and so on.
    lint_all_formats(data, seed.stem)


@settings(max_examples=150, deadline=timedelta(seconds=10),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed=st.sampled_from(SEEDS), rng_seed=st.integers(0, 2**32), steps=st.integers(1, 6),
       fmt=st.sampled_from(FORMATS))
def test_hypothesis_mutations_never_raise(seed, rng_seed, steps, fmt):
    mutant = mutate(seed.read_bytes(), random.Random(rng_seed), steps)
    assert_clean(engine.lint_bytes(mutant, f"x.{fmt}", fmt), mutant)


@settings(max_examples=100, deadline=timedelta(seconds=10),
          suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048), st.sampled_from(FORMATS))
def test_arbitrary_bytes_never_raise(data, fmt):
    assert_clean(engine.lint_bytes(data, f"x.{fmt}", fmt), data)


@settings(max_examples=100, deadline=timedelta(seconds=10),
          suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400), st.sampled_from(FORMATS))
def test_arbitrary_text_never_raises(text, fmt):
    data = text.encode("utf-8", "surrogatepass")
    assert_clean(engine.lint_bytes(data, f"x.{fmt}", fmt), data)


_keys = st.one_of(st.sampled_from(["manifest_version", "services", "providers", "sections",
                                   "properties", "display_name", "providers", "dll", "type",
                                   "flags", "settings", "id", "values", "PR_X_Y"]),
                  st.text(max_size=12))
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                     st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
_documents = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=5)), max_leaves=30)


@settings(max_examples=120, deadline=timedelta(seconds=10),
          suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _documents, max_size=6))
def test_structured_documents_never_raise(doc):
    """Valid JSON/TOML syntax with any shape: the model, rules and schema must cope."""
    import tomli_w

    data = json.dumps(doc).encode()
    assert_clean(engine.lint_bytes(data, "x.json"), data)
    try:
        text = tomli_w.dumps(_toml_safe(doc))
    except (TypeError, ValueError):
        return
    assert_clean(engine.lint_bytes(text.encode(), "x.toml"), text.encode())


def _toml_safe(value):
    """TOML has no null: drop them (tomli_w refuses None)."""
    if isinstance(value, dict):
        return {k: _toml_safe(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_toml_safe(v) for v in value if v is not None]
    return value


# -- through the command line -----------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS[::4], ids=lambda p: p.name)
def test_cli_in_process_on_mutants(seed, tmp_path):
    rng = random.Random(f"cli-{seed.name}")
    data = seed.read_bytes()
    for round_ in range(3):
        path = tmp_path / f"{round_}-{seed.name}"
        path.write_bytes(mutate(data, rng, steps=2))
        for fmt in ("text", "json"):
            result = run_cli("check", "--jobs", "1", "--format", fmt, path)
            assert result.code in (0, 1, 2), result.err
            assert "Traceback" not in result.out + result.err
            if result.code == 2:
                assert all(line.startswith("mapisvc") for line in result.err.splitlines()), result.err
            if fmt == "json" and result.code != 2:
                assert "findings" in result.json()


def test_real_program_on_a_batch_of_mutants_ends_in_time(tmp_path):
    """A subprocess with a timeout: a hang fails here; --jobs 2 runs the process pool."""
    rng = random.Random("batch")
    for index, seed in enumerate(SEEDS):
        data = seed.read_bytes()
        for round_ in range(3):
            suffix = seed.suffix if seed.suffix.lower() in (".toml", ".json", ".inf") else ".toml"
            (tmp_path / f"{index:03d}-{round_}{suffix}").write_bytes(mutate(data, rng, steps=3))
    names = sorted(str(p) for p in tmp_path.iterdir())
    for jobs in ("1", "2"):
        proc = subprocess.run([sys.executable, "-m", "validator", "check", "--jobs", jobs, *names],
                              capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert proc.returncode in (0, 1, 2), proc.stderr
        assert "Traceback" not in proc.stderr
        assert "internal error" not in proc.stderr, proc.stderr
