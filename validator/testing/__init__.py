"""Hypothesis strategies for mapisvc manifests, for this project's tests and yours.

``valid_manifests()`` builds manifests (as dicts) that lint with no finding;
``mutations`` holds, per rule code, functions that inject exactly that one
fault into a valid manifest.  Rule families register their mutations with
:func:`mutation` in the modules of this package.

Example::

    from hypothesis import given
    from validator.testing import valid_manifests

    @given(valid_manifests())
    def test_my_tool_accepts(manifest): ...
"""

from __future__ import annotations

from typing import Callable

#: code → list of (mutate, formats).  ``mutate(manifest, draw)`` changes the
#: dict in place and returns it, or returns None when the manifest offers no
#: place for that fault (the test then draws another manifest).
MUTATIONS: dict[str, list[tuple[Callable, str]]] = {}


def mutation(code: str, formats: str = "MI"):
    """Register a one-fault mutation for ``code`` (``formats``: M manifest, I INF)."""

    def wrap(func: Callable) -> Callable:
        MUTATIONS.setdefault(code, []).append((func, formats))
        return func

    return wrap
