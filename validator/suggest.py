"""'Did you mean …?': the closest known names to a misspelt one."""

from __future__ import annotations


def close_matches(word: str, possibilities: list[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """difflib.get_close_matches, with difflib imported only when a finding needs a
    suggestion (checking a clean file never does)."""
    import difflib

    return difflib.get_close_matches(word, possibilities, n, cutoff)
