"""Where the tests find ``../shared`` (specs, corpus, reference) and other
files the machine may lack.

Locally a missing file skips the test with the reason; under CI (``CI=true``)
it fails, so that a broken checkout cannot pass by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: ``../shared`` from the project's root.
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def missing(reason: str) -> None:
    """Skip with ``reason``, or fail when running under CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: required)", pytrace=False)
    pytest.skip(reason)


def shared_dir() -> Path:
    """The shared directory; skips (fails under CI) when it is absent."""
    if not SHARED.is_dir():
        missing(f"shared directory not found at {SHARED} (expected next to the project root)")
    return SHARED


def shared_path(*parts: str) -> Path:
    """A file or directory inside ``../shared``; skips (fails under CI) when absent."""
    path = shared_dir().joinpath(*parts)
    if not path.exists():
        missing(f"{path} not found in the shared directory")
    return path


def require_file(path: str | Path, why: str) -> Path:
    """A file outside the project (e.g. a system header); skips (fails under CI) when absent."""
    path = Path(path)
    if not path.is_file():
        missing(f"{path} not found: {why}")
    return path


def sliced(text: str, span) -> str:
    """The text a span covers (lines split on "\\n" only, like the index)."""
    lines = text.split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1:span.end_column - 1]
    parts = [lines[span.line - 1][span.column - 1:]]
    parts += lines[span.line:span.end_line - 1]
    parts.append(lines[span.end_line - 1][:span.end_column - 1])
    return "\n".join(parts)
