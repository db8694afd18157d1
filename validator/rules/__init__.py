"""The rule registry: every code mapisvc reports, with its documentation.

A rule is a small unit: a code, a default severity, a one-line summary, where
it applies (``M`` manifest, ``I`` MAPISVC.INF, ``H`` header, ``D`` DLL), an
explanation (the check function's docstring, which ``mapisvc explain``
prints), and the check itself.  Codes reported by readers and by the schema
(MS0xx, MS1xx) are registered with :func:`describe` and have no check
function.

Adding a rule: write a function in the module of its family, decorate it with
:func:`rule`, add a fixture that triggers it and one that must not.
"""

from __future__ import annotations

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Iterable

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
_LETTER = {"E": ERROR, "W": WARNING, "I": INFO}

# Rule modules in code order.  Imported only when rules are needed.
MODULES = (
    "reading", "suppressions", "structure", "services", "properties", "values", "flags", "files",
    "generated", "dll",
)

# The modules with check functions, and the kinds of input (letters of
# ``applies``) their checks look at: linting imports only these, the others
# describe codes that readers, the schema or commands report and are imported
# when a code must be looked up (tests/test_startup.py keeps this true).
CHECK_MODULES = {
    "structure": "MI", "services": "MI", "properties": "MIH", "values": "MI", "flags": "MI",
    "files": "MI",
}


class Rule:
    """One registered code.

    A plain class, not a dataclass (whose import and class generation cost
    start-up time on every ``mapisvc check``); ``explanation`` is the
    docstring, cleaned only when asked for (``explain``, SARIF), since
    ``inspect.cleandoc`` means importing inspect.
    """

    __slots__ = ("code", "severity", "summary", "applies", "_text", "_clean", "check")

    def __init__(self, code: str, severity: str, summary: str, applies: str, explanation: str | None,
                 check: Callable | None = None):
        self.code = code
        self.severity = severity
        self.summary = summary
        self.applies = applies
        self._text = explanation
        self._clean: str | None = None
        self.check = check

    @property
    def explanation(self) -> str:
        if self._clean is None:
            self._clean = _clean(self._text)
        return self._clean

    @property
    def title(self) -> str:
        return f"{self.code} {self.summary}"

    def _values(self) -> tuple:
        return (self.code, self.severity, self.summary, self.applies, self.explanation, self.check)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return (f"Rule(code={self.code!r}, severity={self.severity!r}, summary={self.summary!r},"
                f" applies={self.applies!r}, explanation={self.explanation!r}, check={self.check!r})")


REGISTRY: dict[str, Rule] = {}


def _clean(text: str | None) -> str:
    import inspect

    return inspect.cleandoc(text or "").strip()


def describe(code: str, severity: str, summary: str, applies: str, explanation: str) -> Rule:
    """Register a code that a reader, the schema or a command reports."""
    entry = Rule(code, _LETTER.get(severity, severity), summary, applies, explanation)
    if code in REGISTRY:
        raise ValueError(f"rule code {code} registered twice")
    REGISTRY[code] = entry
    return entry


def rule(code: str, severity: str, summary: str, applies: str = "MI"):
    """Register a check function; its docstring is the rule's explanation.

    The function takes ``(catalogue, context)`` and yields
    :class:`~validator.model.Finding` objects (``code`` may be left for the
    decorator to fill in by yielding findings with the rule's code).
    """

    def wrap(func: Callable[..., Iterable]) -> Callable[..., Iterable]:
        entry = Rule(code, _LETTER.get(severity, severity), summary, applies, func.__doc__, func)
        if code in REGISTRY:
            raise ValueError(f"rule code {code} registered twice")
        REGISTRY[code] = entry
        return func

    return wrap


_loaded = False
_imported: set[str] = set()


def _import(names) -> None:
    for name in names:
        if name in _imported:
            continue
        try:
            __import__(f"{__name__}.{name}")  # not importlib: one import fewer at start-up
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise
        _imported.add(name)


def load_all() -> dict[str, Rule]:
    """Import every rule module and return the registry sorted by code."""
    global _loaded
    if not _loaded:
        _import(MODULES)
        _loaded = True
    return dict(sorted(REGISTRY.items()))


def get(code: str) -> Rule | None:
    load_all()
    return REGISTRY.get(code.upper())


def checks(kind_letter: str) -> list[Rule]:
    """The rules with a check function that apply to one kind of input."""
    if not _loaded:
        _import(name for name in MODULES if kind_letter in CHECK_MODULES.get(name, ""))
    # Asked once per linted file: sort and filter only when the registry grew.
    key = (kind_letter, len(REGISTRY))
    found = _CHECKS.get(key)
    if found is None:
        found = _CHECKS[key] = [r for _code, r in sorted(REGISTRY.items())
                                if r.check is not None and kind_letter in r.applies]
    return found


_CHECKS: dict[tuple[str, int], list[Rule]] = {}
