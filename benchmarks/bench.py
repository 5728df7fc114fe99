#!/usr/bin/env python3
"""Benchmark: model x bound x engine -> verdict, wall time, peak memory, solver calls,
counterexample length.  Prints a Markdown table (and optionally writes JSON).

Each cell runs `ccverify check ... --json` in its own process so peak memory (max RSS,
from os.wait4) is that run's alone.  A cell whose run exceeds --cell-timeout is reported
as a timeout, and larger bounds of the same model and engine are skipped.

    python benchmarks/bench.py examples/raft.cc examples/paxos.cc --bounds 2-8
    python benchmarks/bench.py --all --bounds 2-6 --engines smt,explicit --json out.json
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import time


def parse_bounds(text: str) -> list[int]:
    if "-" in text:
        lo, hi = text.split("-")
        return list(range(int(lo), int(hi) + 1))
    return [int(x) for x in text.split(",")]


def run_cell(model: str, bound: int, engine: str, timeout: float, extra: list[str]) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "verifier.cli",
        "check",
        model,
        "--bound",
        str(bound),
        "--engine",
        engine,
        "--json",
        "--quiet",
        "--timeout",
        str(timeout),
        *extra,
    ]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout + 30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"verdict": "timeout", "seconds": time.monotonic() - start}
    wall = time.monotonic() - start
    # communicate() already reaped the child; its rusage is in RUSAGE_CHILDREN only as a
    # maximum over all children, so each cell runs in a fresh interpreter via wait4 below.
    cell = {"seconds": round(wall, 2), "exit": proc.returncode}
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        cell["verdict"] = f"error (exit {proc.returncode}): {err.strip().splitlines()[-1:]}"
        return cell
    cell.update(
        verdict=data["verdict"],
        solver_calls=data.get("solver_calls"),
        nodes=data.get("nodes"),
        cex=len(data["trace"]) if data.get("trace") else None,
    )
    return cell


def run_cell_measured(
    model: str, bound: int, engine: str, timeout: float, extra: list[str]
) -> dict:
    """run_cell in a forked child so that its peak RSS can be read with wait4."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: run the cell (which itself spawns ccverify) and report
        os.close(r)
        cell = run_cell(model, bound, engine, timeout, extra)
        os.write(w, json.dumps(cell).encode())
        os._exit(0)
    os.close(w)
    chunks = []
    while True:
        data = os.read(r, 65536)
        if not data:
            break
        chunks.append(data)
    os.close(r)
    _, _, usage = os.wait4(pid, 0)
    cell = json.loads(b"".join(chunks))
    # ru_maxrss of the forked child covers its own waited-for children (the ccverify run).
    cell["peak_mib"] = round(usage.ru_maxrss / 1024, 1)
    return cell


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*")
    ap.add_argument("--all", action="store_true", help="every examples/*.cc")
    ap.add_argument("--bounds", default="2-6")
    ap.add_argument("--engines", default="smt,explicit")
    ap.add_argument("--cell-timeout", type=float, default=120.0)
    ap.add_argument("--json", metavar="FILE", default=None)
    ap.add_argument(
        "--no-one-step",
        action="store_true",
        help="skip the one-step proof (measure the bounded search itself)",
    )
    args = ap.parse_args()
    models = sorted(glob.glob("examples/*.cc")) if args.all else args.models
    if not models:
        ap.error("no models (give files or --all)")
    extra = ["--no-one-step"] if args.no_one_step else []
    rows = []
    print("| model | bound | engine | verdict | time (s) | peak MiB | solver calls | nodes | cex |")
    print("|---|---|---|---|---|---|---|---|---|")
    for model in models:
        for engine in args.engines.split(","):
            for bound in parse_bounds(args.bounds):
                cell = run_cell_measured(model, bound, engine, args.cell_timeout, extra)
                row = {"model": os.path.basename(model), "bound": bound, "engine": engine, **cell}
                rows.append(row)
                print(
                    f"| {row['model']} | {bound} | {engine} | {cell['verdict']} | "
                    f"{cell['seconds']} | {cell.get('peak_mib', '')} | "
                    f"{cell.get('solver_calls') or ''} | {cell.get('nodes') or ''} | "
                    f"{cell.get('cex') or ''} |",
                    flush=True,
                )
                if cell["verdict"] in ("timeout", "unknown") or cell["verdict"].startswith("error"):
                    break
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
