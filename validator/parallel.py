"""Linting many files: in order, in several processes when that pays.

``mapisvc check`` on a whole repository spends its time parsing and building
the model, one file at a time; both cores of a CI runner can share that.  A process pool costs a fork and pickling the results
back, so it is used only for enough work (``auto_jobs``); ``--jobs 1`` forces
one process.  Measured by ``make bench`` (see the README's Performance
section).

Results of files with no finding are kept lean (no catalogue, no text): a
repository's worth of models kept alive only makes the garbage collector
rescan them, which cost more than the linting itself in measurements.  For the
same reason the cyclic garbage collector is paused while one file is linted
(its parsed data and model are trees, freed by reference counting) and run
between files now and then: 0.61 s → 0.29 s on the 50,000-property manifest.
"""

from __future__ import annotations

import gc
import os
import sys

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable, Sequence

from . import engine
from .files import Problem

#: Files linted between two collections of the cyclic garbage collector.
COLLECT_EVERY = 64

#: Below this many files, or this many bytes, one process is faster.
MIN_FILES = 16
MIN_BYTES = 2 * 1024 * 1024

_contexts: tuple = ()
_limits: dict | None = None
_linted = 0


def auto_jobs(paths: list[str]) -> int:
    """How many processes to use for ``paths``: 1 unless the work is worth a pool."""
    cpus = _cpu_count()
    if cpus < 2 or len(paths) < MIN_FILES:
        return 1
    # A pool only pays with an idle core: on a machine already busy (load
    # average >= cores) it was measured 1.5x slower than one process.
    try:
        if os.getloadavg()[0] >= cpus:
            return 1
    except (AttributeError, OSError):  # Windows has no load average
        pass
    total = 0
    for path in paths:
        try:
            total += os.path.getsize(path)
        except OSError:
            continue
        if total >= MIN_BYTES:
            return min(cpus, len(paths))
    return 1


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def lint_one(path: str, context: engine.Context, limits: dict | None = None,
             keep: bool = False, fmt: str | None = None) -> engine.FileResult | Problem:
    """Lint one file; an unreadable one becomes a :class:`Problem`."""
    paused = gc.isenabled()
    gc.disable()
    try:
        result = engine.lint_path(path, fmt, context=context, limits=limits)
    except OSError as err:
        return Problem(path, f"cannot read: {err.strerror or err}")
    finally:
        if paused:
            gc.enable()
    if not keep:
        result.catalogue = None
        if not result.diagnostics:
            result.text = None
    return result


def _init_worker(contexts: tuple, limits: dict | None) -> None:
    global _contexts, _limits
    _contexts, _limits = contexts, limits


def _lint_in_worker(task: tuple[str, str | None, int]) -> engine.FileResult | Problem:
    global _linted
    path, fmt, which = task
    _linted += 1
    if _linted % COLLECT_EVERY == 0:
        gc.collect()
    return lint_one(path, _contexts[which], _limits, fmt=fmt)


def lint_many(paths: Iterable[str], context: engine.Context | Sequence[engine.Context],
              jobs: int | None = None, limits: dict | None = None, keep: bool = False,
              fmts: Sequence[str | None] | None = None) -> list[engine.FileResult | Problem]:
    """Lint ``paths`` in order; ``jobs`` None chooses, 1 means in this process.

    ``context`` is one context for all, or one per path (configuration may
    differ per directory); ``fmts`` likewise gives each path's format (None:
    by its name).  ``keep`` keeps every result's catalogue (for checks that
    compare files with each other, such as ``--header``); it implies one
    process.
    """
    paths = list(paths)
    contexts = [context] * len(paths) if isinstance(context, engine.Context) else list(context)
    formats = list(fmts) if fmts is not None else [None] * len(paths)
    if keep:
        jobs = 1
    elif jobs is None or jobs < 1:
        jobs = auto_jobs(paths)
    jobs = min(jobs, len(paths)) if paths else 1
    # What is alive now (modules, the schema) lives to the end: keep it out of
    # every collection.
    gc.freeze()
    if jobs <= 1:
        results = []
        for number, (path, ctx, fmt) in enumerate(zip(paths, contexts, formats), start=1):
            results.append(lint_one(path, ctx, limits, keep, fmt))
            if number % COLLECT_EVERY == 0:
                gc.collect()
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Import the readers, rules and schema once, here, for every worker to inherit.
    engine.lint_bytes(b"manifest_version = 1\n", "warm-up.toml", "toml", contexts[0])
    # The few distinct contexts (one per configuration) go to the workers once;
    # each task names its context by index.
    unique: dict[int, int] = {}
    for ctx in contexts:
        unique.setdefault(id(ctx), len(unique))
    shared = tuple({id(c): c for c in contexts}.values())
    tasks = [(path, fmt, unique[id(ctx)]) for path, ctx, fmt in zip(paths, contexts, formats)]
    # fork shares the imported modules with the workers at no cost; elsewhere
    # (Windows, macOS) the workers import what they need.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    chunk = max(1, min(64, len(paths) // (jobs * 8)))
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                             initializer=_init_worker, initargs=(shared, limits)) as pool:
        return list(pool.map(_lint_in_worker, tasks, chunksize=chunk))
