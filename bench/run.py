"""``make bench``: mapisvc's speed, measured side by side with its references.

Every figure is the median wall-clock time of at least five runs of a whole
command (a fresh process each time, as a pre-commit hook or CI job runs it),
after one untimed warm-up run that also checks the command succeeds.  Printed:
each timing, then each ratio next to its target.  The results also go to
``bench/out/results.json`` and ``bench/out/results.md`` (the table the README
quotes).

Usage: ``python bench/run.py [--runs N] [--skip-reference]``.  ``--skip-reference``
leaves out check-jsonschema on the 1,000 files (two of the slowest minutes),
for quick local runs; ``make bench`` runs everything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import gen_corpus  # noqa: E402  (a sibling script, not a package)

SMALL = ROOT / "fixtures" / "valid" / "multi.toml"
SCHEMA = ROOT / "schema" / "manifest.schema.json"


@dataclass
class Timing:
    name: str
    command: str
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system, all processes

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


# Commands run as installed tools run: with their bytecode cached.  A
# PYTHONDONTWRITEBYTECODE=1 environment would make every run recompile
# mapisvc's modules from source (~35 ms), a cost no installed copy pays (pip
# compiles wheels at install time), while the tools compared keep theirs.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run_timed(cmd: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run (CPU also counts worker processes)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                            env=ENV)
    _pid, _status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = 0  # reaped by wait4; keep Popen from waiting again
    return wall, usage.ru_utime + usage.ru_stime


def _script(name: str) -> str | None:
    """A console script installed beside this interpreter (the bench venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    return shutil.which(name)


def _show(cmd: list[str]) -> str:
    shown = []
    files = [c for c in cmd if c.endswith((".json", ".toml")) and "/corpus/" in c]
    for c in cmd:
        if files and c == files[0]:
            shown.append(f"<{len(files)} files: {Path(c).parent.name}/*{Path(c).suffix}>"
                         if len(files) > 1 else os.path.relpath(c, ROOT))
        elif c in files:
            continue
        else:
            shown.append(os.path.relpath(c, ROOT) if c.startswith(str(ROOT)) else
                         Path(c).name if c.startswith("/") else c)
    return " ".join(shown)


def measure(name: str, cmd: list[str], runs: int, ok=(0,)) -> Timing:
    timing = Timing(name, _show(cmd))
    warm = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=ENV)
    if warm.returncode not in ok:
        sys.exit(f"bench: `{timing.command}` exited {warm.returncode}:\n"
                 f"{warm.stdout.decode()[-2000:]}{warm.stderr.decode()[-2000:]}")
    if cmd[:2] == [_script("mapisvc"), "check"] and warm.stdout.strip():
        # The corpus is meant to be clean (the common case); a new rule that
        # fires on it changes what is measured.
        print(f"  warning: `{timing.command}` reports findings:\n"
              + "\n".join(warm.stdout.decode().splitlines()[:3]), flush=True)
    for _ in range(runs):
        wall, cpu = _run_timed(cmd)
        timing.times.append(wall)
        timing.cpu.append(cpu)
    print(f"  {timing.median * 1000:9.1f} ms  {name:<50} (min {min(timing.times) * 1000:.0f},"
          f" max {max(timing.times) * 1000:.0f}; cpu {timing.cpu_median * 1000:.0f})", flush=True)
    return timing


class Report:
    def __init__(self):
        self.timings: dict[str, Timing] = {}
        self.ratios: list[dict] = []

    def add(self, timing: Timing) -> Timing:
        self.timings[timing.name] = timing
        return timing

    def ratio(self, label: str, top: str, bottom: str, target: float | None = None) -> None:
        if top not in self.timings or bottom not in self.timings:
            return
        value = self.timings[top].median / self.timings[bottom].median
        cpu = self.timings[top].cpu_median / self.timings[bottom].cpu_median
        verdict = "" if target is None else ("  ok" if value <= target else "  MISSED")
        goal = "" if target is None else f" (target <= {target:g}x)"
        print(f"  {value:8.3f}x  {label}{goal}{verdict}   [cpu {cpu:.3f}x]", flush=True)
        self.ratios.append({"label": label, "ratio": round(value, 3), "cpu_ratio": round(cpu, 3),
                            "target": target, "met": None if target is None else value <= target})

    def absolute(self, label: str, name: str, limit: float) -> None:
        if name not in self.timings:
            return
        value = self.timings[name].median
        cpu = self.timings[name].cpu_median
        verdict = "ok" if value <= limit else "MISSED"
        print(f"  {value:8.3f}s  {label} (target <= {limit:g} s)  {verdict}   [cpu {cpu:.3f}s]",
              flush=True)
        self.ratios.append({"label": label, "seconds": round(value, 3), "cpu_seconds": round(cpu, 3),
                            "target_seconds": limit, "met": value <= limit})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (>= 5)")
    parser.add_argument("--skip-reference", action="store_true",
                        help="skip check-jsonschema on the 1,000 files")
    args = parser.parse_args(argv)
    runs = max(args.runs, 1)
    small_runs = max(runs, 15)  # cheap commands: more runs, steadier medians

    mapisvc = _script("mapisvc")
    checkjs = _script("check-jsonschema")
    if mapisvc is None:
        sys.exit("bench: mapisvc is not installed (run `make bench`)")
    py = sys.executable
    mapisvc_cmd = [mapisvc, "check", "--quiet"]

    print("generating the corpus (once) ...", flush=True)
    gen_corpus.generate(gen_corpus.DEFAULT_OUT, 1000, 180, 50_000)
    corpus = gen_corpus.DEFAULT_OUT
    files = {fmt: sorted(str(p) for p in (corpus / fmt).glob(f"*.{fmt}")) for fmt in ("json", "toml")}
    big = {(n, fmt): str(corpus / "big" / f"big{n}.{fmt}") for n in (5000, 50_000)
           for fmt in ("json", "toml")}

    print(f"\nmapisvc benchmark — {platform.python_implementation()} {platform.python_version()},"
          f" {os.cpu_count()} CPUs, {platform.machine()}; median of {runs} runs"
          f" ({small_runs} for one small file)\n", flush=True)
    report = Report()
    r = report
    load_before = _load()

    print("One small manifest, end to end (fixtures/valid/multi.toml):")
    r.add(measure("floor: python -c 'import tomllib'", [py, "-c", "import tomllib"], small_runs))
    r.add(measure("mapisvc check (small)", mapisvc_cmd + [str(SMALL)], small_runs))
    if checkjs:
        r.add(measure("check-jsonschema (small)",
                      [checkjs, "--schemafile", str(SCHEMA), str(SMALL)], small_runs))

    for fmt in ("json", "toml"):
        paths = files[fmt]
        print(f"\n1,000 {fmt.upper()} manifests of 180 properties each ({_size(paths)}):")
        r.add(measure(f"mapisvc check, {fmt}", mapisvc_cmd + paths, runs))
        r.add(measure(f"mapisvc check --jobs 1, {fmt}", mapisvc_cmd + ["--jobs", "1"] + paths, runs))
        r.add(measure(f"parse only (shipped parser), {fmt}",
                      [py, str(HERE / "parse_only.py")] + paths, runs))
        if fmt == "toml":
            r.add(measure("parse only (stdlib tomllib), toml",
                          [py, str(HERE / "parse_only.py"), "--parser=tomllib"] + paths, runs))
        r.add(measure(f"mapisvc check, 100 files, {fmt}", mapisvc_cmd + paths[:100], runs))
        if checkjs and not args.skip_reference:
            r.add(measure(f"check-jsonschema, {fmt}",
                          [checkjs, "--schemafile", str(SCHEMA)] + paths, runs))

    print("\nOne manifest of 50,000 properties, and a tenth of it:")
    for fmt in ("json", "toml"):
        for n in (5000, 50_000):
            r.add(measure(f"mapisvc check, {n:,} properties, {fmt}",
                          mapisvc_cmd + [big[n, fmt]], runs))
        r.add(measure(f"parse only (shipped parser), 50,000 properties, {fmt}",
                      [py, str(HERE / "parse_only.py"), big[50_000, fmt]], runs))
    r.add(measure("parse only (stdlib tomllib), 50,000 properties, toml",
                  [py, str(HERE / "parse_only.py"), "--parser=tomllib", big[50_000, "toml"]], runs))

    print("\nRatios:")
    r.ratio("one small manifest: mapisvc / import-tomllib floor",
            "mapisvc check (small)", "floor: python -c 'import tomllib'", 1.5)
    r.ratio("one small manifest: check-jsonschema / floor (reference)",
            "check-jsonschema (small)", "floor: python -c 'import tomllib'")
    for fmt in ("json", "toml"):
        r.ratio(f"1,000 {fmt}: mapisvc / check-jsonschema", f"mapisvc check, {fmt}",
                f"check-jsonschema, {fmt}", 0.15)
        r.ratio(f"1,000 {fmt}: full lint / parse only", f"mapisvc check, {fmt}",
                f"parse only (shipped parser), {fmt}", 1.5)
        r.ratio(f"1,000 {fmt}: automatic jobs / --jobs 1", f"mapisvc check, {fmt}",
                f"mapisvc check --jobs 1, {fmt}")
        r.ratio(f"10x input, {fmt}: 1,000 files / 100 files", f"mapisvc check, {fmt}",
                f"mapisvc check, 100 files, {fmt}", 11)
        r.ratio(f"10x input, {fmt}: 50,000 / 5,000 properties",
                f"mapisvc check, 50,000 properties, {fmt}",
                f"mapisvc check, 5,000 properties, {fmt}", 11)
        r.absolute(f"50,000 properties, {fmt}", f"mapisvc check, 50,000 properties, {fmt}", 1.0)
    r.ratio("1,000 toml: parse only, stdlib tomllib / shipped tomli",
            "parse only (stdlib tomllib), toml", "parse only (shipped parser), toml")
    r.ratio("50,000 properties: parse only, stdlib tomllib / shipped tomli",
            "parse only (stdlib tomllib), 50,000 properties, toml",
            "parse only (shipped parser), 50,000 properties, toml")

    OUT.mkdir(exist_ok=True)
    meta = {"python": platform.python_version(), "cpus": os.cpu_count(), "runs": runs,
            "machine": platform.machine(), "date": time.strftime("%Y-%m-%d %H:%M"),
            "load_before": load_before, "load_after": _load()}
    print(f"\nload average: {load_before} before, {meta['load_after']} after. Targets are"
          " judged on wall-clock medians, which a busy machine inflates; [cpu] is user+system"
          " time of all the command's processes, steadier under load.")
    (OUT / "results.json").write_text(json.dumps({
        "meta": meta,
        "timings": {t.name: {"median_s": round(t.median, 4), "cpu_median_s": round(t.cpu_median, 4),
                             "command": t.command, "times_s": [round(x, 4) for x in t.times]}
                    for t in report.timings.values()},
        "ratios": report.ratios}, indent=2) + "\n")
    (OUT / "results.md").write_text(_markdown(report, meta))
    print(f"\nwritten: {os.path.relpath(OUT / 'results.json', ROOT)},"
          f" {os.path.relpath(OUT / 'results.md', ROOT)}")
    return 0


def _load() -> str:
    try:
        return "%.2f" % os.getloadavg()[0]
    except (AttributeError, OSError):
        return "n/a"


def _size(paths: list[str]) -> str:
    total = sum(os.path.getsize(p) for p in paths)
    return f"{total / 1e6:.1f} MB"


def _markdown(report: Report, meta: dict) -> str:
    lines = [f"Python {meta['python']}, {meta['cpus']} CPUs, median of {meta['runs']} runs,"
             f" {meta['date']}, load average {meta['load_before']} → {meta['load_after']}.",
             "", "| figure | command | wall (median) | CPU (median) |", "|---|---|---:|---:|"]
    for t in report.timings.values():
        lines.append(f"| {t.name} | `{t.command}` | {t.median * 1000:,.0f} ms |"
                     f" {t.cpu_median * 1000:,.0f} ms |")
    lines += ["", "| ratio | wall | CPU | target |", "|---|---:|---:|---|"]
    for item in report.ratios:
        if "ratio" in item:
            target = "" if item["target"] is None else f"≤ {item['target']:g}×" + (
                "" if item["met"] else " (missed)")
            lines.append(f"| {item['label']} | {item['ratio']:.2f}× | {item['cpu_ratio']:.2f}× |"
                         f" {target} |")
        else:
            target = f"≤ {item['target_seconds']:g} s" + ("" if item["met"] else " (missed)")
            lines.append(f"| {item['label']} | {item['seconds']:.2f} s | {item['cpu_seconds']:.2f} s |"
                         f" {target} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
