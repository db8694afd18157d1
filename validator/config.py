"""Configuration: discovery, parsing, validation and the per-file settings it yields.

Where it comes from (the first found wins; nothing is merged):

* ``--config FILE`` (a ``mapisvc.toml``-style file, or a ``pyproject.toml`` with
  ``[tool.mapisvc]``) for every checked file;
* otherwise, walking up from each checked file's directory, the first directory
  holding ``.mapisvc.toml``, ``mapisvc.toml`` or a ``pyproject.toml`` that has a
  ``[tool.mapisvc]`` table (in that order of precedence within one directory,
  as ruff does with ``.ruff.toml``, ``ruff.toml``, ``pyproject.toml``);
* otherwise the defaults: every rule selected, nothing ignored.

Relative paths and globs in a configuration (``exclude``, ``per-file-ignores``,
``headers``, ``mapi-include``) are relative to the directory of the file that
holds it.

Keys: ``select``, ``extend-select``, ``ignore`` (rule selectors: a code such as
``MS201``, a prefix such as ``MS2`` or ``MS20``, or ``ALL``), ``severity``
(code or prefix → ``"error"``/``"warning"``/``"info"``), ``per-file-ignores``
(glob → selectors), ``exclude`` (globs skipped when walking directories, added
to the built-in list of VCS and virtual-environment folders), ``headers``
(manifest → public header paths, checked as with ``--header``) and
``mapi-include`` (directory or list of directories of MAPI SDK headers).

An unknown key, a value of the wrong type, an unknown rule code and TOML that
does not parse are *configuration errors*: each is printed as one line,
``mapisvc: CONFIG:LINE:COL: message``, and ``check`` exits 2 without linting —
a configuration that silently does less than its author believes is worse
than one that stops the build (ruff does the same).

Start-up cost: with no configuration file, discovery is a few ``stat`` calls
per directory and nothing else is imported.  A ``pyproject.toml`` is parsed
(``tomllib``) only when its bytes mention a ``tool.mapisvc`` table.
"""

from __future__ import annotations

import os
import re

CONFIG_NAMES = (".mapisvc.toml", "mapisvc.toml", "pyproject.toml")
KEYS = ("select", "extend-select", "ignore", "severity", "per-file-ignores", "exclude",
        "headers", "dlls", "mapi-include")
SEVERITY_WORDS = ("error", "warning", "info")

_SELECTOR = r"MS\d{0,3}"
# A pyproject.toml that holds a [tool.mapisvc] table (or tool.mapisvc dotted
# keys): only those are parsed, and only those stop the walk upwards.
_TOOL_TABLE = (
    rb"""(?m)^[ \t]*(\[[ \t]*["']?tool["']?[ \t]*\.[ \t]*["']?mapisvc["']?[ \t]*[\].]"""
    rb"""|["']?tool["']?[ \t]*\.[ \t]*["']?mapisvc["']?[ \t]*[.=])""")


class ConfigError(Exception):
    """One or more configuration problems, each already ``path:line:col: message``."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


class Config:
    """One configuration file's settings (or the defaults when ``path`` is None)."""

    def __init__(self, path: str | None = None, root: str | None = None, table: dict | None = None):
        self.path = path
        self.root = root or os.getcwd()
        table = table or {}
        self.select: list[str] | None = table.get("select")
        self.extend_select: list[str] = table.get("extend-select", [])
        self.ignore: list[str] = table.get("ignore", [])
        self.severity: dict[str, str] = table.get("severity", {})
        self.per_file_ignores: dict[str, list[str]] = table.get("per-file-ignores", {})
        self.exclude: list[str] = table.get("exclude", [])
        self.headers: dict[str, str] = table.get("headers", {})
        # manifest → the built DLL(s) whose exports it promises (check --dll).
        self.dlls: dict[str, str | list[str]] = table.get("dlls", {})
        include = table.get("mapi-include", [])
        self.mapi_include: list[str] = [include] if isinstance(include, str) else list(include)

    def __repr__(self) -> str:
        return f"Config({self.path!r})"

    def resolve(self, relative: str) -> str:
        """A path from this configuration, made absolute against its directory."""
        return os.path.normpath(os.path.join(self.root, os.path.expanduser(relative)))

    def relative(self, path: str) -> str | None:
        """``path`` relative to this configuration's directory, POSIX style; None if outside."""
        rel = os.path.relpath(os.path.abspath(path), self.root)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            return None
        return rel.replace(os.sep, "/")


DEFAULT = Config()


# --- discovery ----------------------------------------------------------------------

def _has_tool_table(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    # The pattern is compiled (and cached by re) only for a pyproject.toml that
    # mentions mapisvc at all: most runs never pay for it.
    return b"mapisvc" in data and re.search(_TOOL_TABLE, data) is not None


def find_config(directory: str, cache: dict[str, str | None] | None = None) -> str | None:
    """The configuration file that governs files in ``directory``, or None.

    ``cache`` (directory → answer) spares a run the same walk for every file.
    """
    _found = {} if cache is None else cache
    directory = os.path.abspath(directory)
    walked = []
    found = None
    while True:
        if directory in _found:
            found = _found[directory]
            break
        walked.append(directory)
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate) and (name != "pyproject.toml" or _has_tool_table(candidate)):
                found = candidate
                break
        if found is not None:
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    for seen in walked:
        _found[seen] = found
    return found


# --- reading and validating -----------------------------------------------------------

def _shown(path: str) -> str:
    """A configuration's path as messages show it: relative to the current directory if below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith(os.pardir) else relative


def load(path: str, known_codes=None) -> Config:
    """Read and validate one configuration file; raise :class:`ConfigError`."""
    import tomllib

    real, path = path, _shown(path)
    try:
        with open(real, "rb") as handle:
            data = handle.read()
    except OSError as err:
        raise ConfigError([f"{path}: cannot read configuration: {err.strerror or err}"]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError([f"{path}:1:1: configuration is not UTF-8"]) from None
    try:
        document = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        where = f"{match.group(1)}:{match.group(2)}" if match else "1:1"
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        raise ConfigError([f"{path}:{where}: invalid TOML: {message}"]) from None
    in_pyproject = os.path.basename(path) == "pyproject.toml"
    if in_pyproject:
        tool = document.get("tool", {})
        table = tool.get("mapisvc", {}) if isinstance(tool, dict) else {}
        prefix = "tool.mapisvc."
    else:
        table = document
        prefix = ""
    finder = _Positions(text, in_pyproject)
    validate(table, path, finder, prefix, known_codes)
    return Config(real, os.path.dirname(os.path.abspath(real)), table)


class _Positions:
    """Approximate line:column of keys and values in a configuration's text.

    Configuration files are small and read once: a line scan is enough, and it
    keeps the TOML position indexer of the manifests off this path.
    """

    def __init__(self, text: str, in_pyproject: bool):
        self.lines = text.splitlines()
        self.start = 0
        if in_pyproject:
            for number, line in enumerate(self.lines):
                if re.match(r"\s*\[\s*[\"']?tool[\"']?\s*\.\s*[\"']?mapisvc\b", line):
                    self.start = number
                    break

    def key(self, key: str, after: str | None = None) -> str:
        begin = self._line_of(after, self.start) if after else self.start
        pattern = re.compile(r"(^|[\s.{,\[])[\"']?" + re.escape(key) + r"[\"']?\s*(=|\]|\.)")
        return self._search(pattern, begin)

    def value(self, value: str, after: str | None = None) -> str:
        begin = self._line_of(after, self.start) if after else self.start
        pattern = re.compile(r"[\"']" + re.escape(value) + r"[\"']")
        return self._search(pattern, begin)

    def _line_of(self, key: str, begin: int) -> int:
        pattern = re.compile(r"(^|[\s.{,\[])[\"']?" + re.escape(key) + r"[\"']?\s*(=|\]|\.)")
        for number in range(begin, len(self.lines)):
            if pattern.search(self.lines[number]):
                return number
        return begin

    def _search(self, pattern: re.Pattern, begin: int) -> str:
        for number in range(begin, len(self.lines)):
            match = pattern.search(self.lines[number])
            if match:
                column = match.start() + (1 if match.group(0)[:1] in " \t.{,[" else 0)
                return f"{number + 1}:{column + 1}"
        return f"{begin + 1}:1"


def _codes() -> list[str]:
    from . import rules

    return list(rules.load_all())


def expand(selector: str, known_codes) -> set[str]:
    """The codes a selector names: ``ALL``, a code, or a code prefix."""
    selector = selector.strip().upper()
    if selector == "ALL":
        return set(known_codes)
    return {code for code in known_codes if code.startswith(selector)}


def check_selector(selector, known_codes) -> str | None:
    """Why ``selector`` is not a valid rule selector, or None."""
    if not isinstance(selector, str):
        return f"expected a rule code string, got {_type_name(selector)}"
    upper = selector.strip().upper()
    if upper == "ALL":
        return None
    if not re.fullmatch(_SELECTOR, upper) or not expand(upper, known_codes):
        import difflib

        close = difflib.get_close_matches(upper, list(known_codes), n=1)
        hint = f"; did you mean {close[0]}?" if close else "; 'mapisvc rules' lists them"
        return f"unknown rule code '{selector}'{hint}"
    return None


def _type_name(value) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "an array", dict: "a table"}.get(type(value), type(value).__name__)


def validate(table, path: str, where: _Positions, prefix: str = "", known_codes=None) -> None:
    """Raise :class:`ConfigError` listing every problem in one configuration table."""
    import difflib

    errors: list[str] = []
    known = list(known_codes) if known_codes is not None else _codes()

    def error(position: str, message: str) -> None:
        errors.append(f"{path}:{position}: {message}")

    if not isinstance(table, dict):
        raise ConfigError([f"{path}:{where.key('mapisvc')}: [tool.mapisvc] must be a table"])

    def selectors(key: str, value) -> None:
        name = f"{prefix}{key}"
        if not isinstance(value, list):
            error(where.key(key), f"'{name}' must be an array of rule codes,"
                  f" got {_type_name(value)}")
            return
        for item in value:
            problem = check_selector(item, known)
            if problem:
                at = where.value(item, key) if isinstance(item, str) else where.key(key)
                error(at, f"{problem} (in '{name}')")

    for key, value in table.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key.replace("_", "-"), KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(KEYS)}"
            error(where.key(key), f"unknown configuration key '{prefix}{key}'{hint}")
        elif key in ("select", "extend-select", "ignore"):
            selectors(key, value)
        elif key == "severity":
            if not isinstance(value, dict):
                error(where.key(key), f"'{prefix}severity' must be a table of code = severity,"
                      f" got {_type_name(value)}")
                continue
            for code, level in value.items():
                problem = check_selector(code, known)
                if problem:
                    error(where.key(code, key), f"{problem} (in '{prefix}severity')")
                if level not in SEVERITY_WORDS:
                    error(where.key(code, key), f"severity of {code} must be one of"
                          f" {', '.join(SEVERITY_WORDS)}, got {level!r}")
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                error(where.key(key), f"'{prefix}per-file-ignores' must be a table of"
                      f" glob = [codes], got {_type_name(value)}")
                continue
            for glob, codes in value.items():
                if not isinstance(codes, list):
                    error(where.key(glob, key), f"'{prefix}per-file-ignores' for '{glob}' must"
                          f" be an array of rule codes, got {_type_name(codes)}")
                    continue
                for item in codes:
                    problem = check_selector(item, known)
                    if problem:
                        at = (where.value(item, glob) if isinstance(item, str)
                              else where.key(glob, key))
                        error(at, f"{problem} (in '{prefix}per-file-ignores' for '{glob}')")
        elif key == "exclude":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                error(where.key(key), f"'{prefix}exclude' must be an array of glob strings")
        elif key == "headers":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                error(where.key(key), f"'{prefix}headers' must be a table of"
                      " \"manifest\" = \"header\" paths")
        elif key == "dlls":
            if not isinstance(value, dict) or not all(
                    isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v))
                    for v in value.values()):
                error(where.key(key), f"'{prefix}dlls' must be a table of"
                      " \"manifest\" = \"dll\" (or an array of DLL paths)")
        elif key == "mapi-include":
            if not (isinstance(value, str) or (isinstance(value, list)
                                               and all(isinstance(v, str) for v in value))):
                error(where.key(key), f"'{prefix}mapi-include' must be a directory path"
                      " or an array of them")
    if errors:
        raise ConfigError(errors)


# --- from configuration to what applies to one file --------------------------------------

class Overrides:
    """What the command line says; it wins over any configuration file."""

    def __init__(self, select=None, extend_select=(), ignore=(), mapi_include=(),
                 report_unused=False):
        self.select = select
        self.extend_select = list(extend_select)
        self.ignore = list(ignore)
        self.mapi_include = list(mapi_include)
        self.report_unused = report_unused


def parse_selectors(values: list[str] | None, option: str, known_codes) -> list[str] | None:
    """``--select MS2,MS301 --select MS4`` → a list; raise ValueError on an unknown code."""
    if values is None:
        return None
    out = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            problem = check_selector(part, known_codes)
            if problem:
                raise ValueError(f"{option}: {problem}")
            out.append(part)
    return out


class FileSettings:
    """The selection, severities and per-file ignores that apply to one file."""

    __slots__ = ("enabled", "severity", "ignored", "config")

    def __init__(self, enabled, severity: dict[str, str], ignored: set[str], config: Config):
        self.enabled = enabled  # set of codes, or None = every code
        self.severity = severity
        self.ignored = ignored
        self.config = config

    def wants(self, code: str) -> bool:
        if code in self.ignored:
            return False
        return self.enabled is None or code in self.enabled

    def severity_of(self, code: str, default: str) -> str:
        return self.severity.get(code, default)


class Settings:
    """Configuration lookup for a whole run: one :class:`Config` per governing file.

    ``explicit`` is the ``--config`` file, which governs every checked file.
    """

    def __init__(self, overrides: Overrides | None = None, explicit: str | None = None):
        self.overrides = overrides or Overrides()
        self._explicit = load(explicit) if explicit else None
        self._configs: dict[str, Config] = {}
        self._found: dict[str, str | None] = {}
        self._selection: dict[int, tuple] = {}
        self._known = None

    @property
    def known(self) -> list[str]:
        if self._known is None:
            self._known = _codes()
        return self._known

    def config_for(self, path: str) -> Config:
        """The configuration governing ``path`` (a file or a directory)."""
        if self._explicit is not None:
            return self._explicit
        directory = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
        found = find_config(directory, self._found)
        if found is None:
            return DEFAULT
        config = self._configs.get(found)
        if config is None:
            config = self._configs[found] = load(found, self.known)
        return config

    def _selection_of(self, config: Config) -> tuple:
        cached = self._selection.get(id(config))
        if cached is not None:
            return cached
        cli = self.overrides
        layers = [(config.select, config.extend_select, config.ignore),
                  (cli.select, cli.extend_select, cli.ignore)]
        if all(select is None and not extend and not ignore for select, extend, ignore in layers):
            enabled = None  # every code: no need to load the registry
        else:
            known = self.known
            enabled = set(known)
            for select, extend, ignore in layers:
                if select is not None:
                    enabled = set().union(*(expand(s, known) for s in select)) if select else set()
                for selector in extend:
                    enabled |= expand(selector, known)
                for selector in ignore:
                    enabled -= expand(selector, known)
        severity: dict[str, str] = {}
        if config.severity:
            # Longer (more specific) selectors win over prefixes.
            for selector, level in sorted(config.severity.items(), key=lambda kv: len(kv[0])):
                for code in expand(selector, self.known):
                    severity[code] = level
        cached = self._selection[id(config)] = (enabled, severity)
        return cached

    def for_file(self, path: str) -> FileSettings:
        config = self.config_for(path)
        enabled, severity = self._selection_of(config)
        ignored: set[str] = set()
        if config.per_file_ignores:
            import fnmatch

            relative = config.relative(path)
            base = os.path.basename(path)
            for glob, codes in config.per_file_ignores.items():
                pattern = glob.replace(os.sep, "/").removeprefix("./")
                hit = relative is not None and fnmatch.fnmatch(relative, pattern)
                if not hit and "/" not in pattern:
                    hit = fnmatch.fnmatch(base, pattern)
                if hit:
                    for selector in codes:
                        ignored |= expand(selector, self.known)
        return FileSettings(enabled, severity, ignored, config)

    def mapi_include(self, config: Config) -> list[str]:
        if self.overrides.mapi_include:
            return self.overrides.mapi_include
        return [config.resolve(p) for p in config.mapi_include]

    def headers_for(self, manifest: str, config: Config) -> str | None:
        """The public header paired with ``manifest`` by the ``headers`` key."""
        found = _paired(manifest, config, config.headers)
        return found[0] if found else None

    def dlls_for(self, manifest: str, config: Config) -> list[str]:
        """The built DLLs paired with ``manifest`` by the ``dlls`` key."""
        return _paired(manifest, config, config.dlls)


def _paired(manifest: str, config: Config, pairs: dict) -> list[str]:
    """The paths a ``"manifest" = path(s)`` table gives ``manifest``, resolved."""
    if not pairs:
        return []
    target = os.path.normcase(os.path.abspath(manifest))
    for source, paths in pairs.items():
        if os.path.normcase(config.resolve(source)) == target:
            return [config.resolve(p) for p in ([paths] if isinstance(paths, str) else paths)]
    return []
