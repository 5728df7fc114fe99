#!/usr/bin/env python3
"""Deep benchmark: model x round x observation x bound x engine -> verdict, wall s,
CPU s, peak MiB, nodes or solver calls, counterexample length.  Prints one Markdown table.

Each cell runs ``ccverify check ... --json`` in its own process (peak memory from
``wait4``, as benchmarks/bench.py) under ``--cell-timeout`` seconds; past it the verdict
is unknown and the larger bounds of that series and engine are skipped.  CPU seconds are
reported besides wall seconds because the machine may be shared.

    python benchmarks/deep.py                         # every series, both engines
    python benchmarks/deep.py --series raft-commit --engines explicit
    python benchmarks/deep.py --techniques            # before/after per technique

``--techniques`` measures, on raft.cc with round commitIndex, each technique of the
explicit engine switched off and on (in-process, one run each), and the interpreter's
events per second with and without the step memo (NOTE(step-memo)).  ``--before DIR``
adds the same measurements for an older checkout (for example ``git worktree add
/tmp/base main``) run with ``PYTHONPATH=DIR``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The committed behaviour of a Raft server (the observation the Lean development used):
# its commit index and the committed prefix of its log (MAXLOG = 2 entries).
COMMITTED = (
    "(commitIndex, if commitIndex > 0 then log[0].term else 0, "
    "if commitIndex > 0 then log[0].val else 0, "
    "if commitIndex > 1 then log[1].term else 0, "
    "if commitIndex > 1 then log[1].val else 0)"
)

# name -> (model, round, observation, extra options, bounds)
SERIES: dict[str, tuple[str, str, str, list[str], range]] = {
    "raft-commit": ("raft.cc", "commitIndex", "", [], range(9, 13)),
    "raft_cc-commit": ("raft_cc.cc", "commitIndex", "", [], range(9, 15)),
    "raft-committed": ("raft.cc", "commitIndex", COMMITTED, [], range(10, 15)),
    "paxos": ("paxos.cc", "", "", ["--no-one-step"], range(8, 13)),
    "raft_cc-term": ("raft_cc.cc", "currentTerm", "", ["--no-one-step"], range(8, 13)),
}


def run_cell(model: str, bound: int, engine: str, timeout: float, extra: list[str]) -> dict:
    """One ``ccverify check`` run in a child process: its JSON fields, wall and CPU time
    and peak RSS."""
    cmd = [sys.executable, "-m", "verifier.cli", "check", os.path.join(ROOT, "examples", model)]
    cmd += ["--bound", str(bound), "--engine", engine, "--json", "--quiet"]
    cmd += ["--timeout", str(timeout), *extra]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout + 60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"verdict": "unknown (killed)", "seconds": round(time.monotonic() - start, 1)}
    cell: dict = {"seconds": round(time.monotonic() - start, 1)}
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        cell["verdict"] = f"error (exit {proc.returncode}): {err.strip().splitlines()[-1:]}"
        return cell
    cell.update(
        verdict=data["verdict"],
        engine=data["engine"],
        solver_calls=data.get("solver_calls"),
        nodes=data.get("nodes"),
        cex=len(data["trace"]) if data.get("trace") else None,
        symmetry=data.get("symmetry"),
        reason=data.get("reason", ""),
    )
    return cell


def run_measured(model: str, bound: int, engine: str, timeout: float, extra: list[str]) -> dict:
    """run_cell in a forked child, so that wait4 gives the run's own peak RSS and CPU."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.write(w, json.dumps(run_cell(model, bound, engine, timeout, extra)).encode())
        os._exit(0)
    os.close(w)
    chunks = []
    while data := os.read(r, 65536):
        chunks.append(data)
    os.close(r)
    _, _, usage = os.wait4(pid, 0)
    cell = json.loads(b"".join(chunks))
    cell["peak_mib"] = round(usage.ru_maxrss / 1024)
    cell["cpu"] = round(usage.ru_utime + usage.ru_stime, 1)
    return cell


def table(args) -> None:
    print(
        "| model | round | observe | bound | engine | verdict | wall s | CPU s | peak MiB "
        "| nodes / solver calls | cex |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in args.series.split(","):
        model, rnd, obs, extra, bounds = SERIES[name]
        opts = list(extra)
        if rnd:
            opts += ["--round", rnd]
        if obs:
            opts += ["--observe", obs]
        for engine in args.engines.split(","):
            for bound in bounds:
                cell = run_measured(model, bound, engine, args.cell_timeout, opts)
                work = cell.get("nodes") if cell.get("engine") == "explicit" else None
                work = work or cell.get("solver_calls") or ""
                print(
                    f"| {model} | {rnd or 'declared'} | {'committed' if obs else 'state'} "
                    f"| {bound} | {engine} | {cell['verdict']} | {cell['seconds']} "
                    f"| {cell.get('cpu', '')} | {cell.get('peak_mib', '')} | {work} "
                    f"| {cell.get('cex') or ''} |",
                    flush=True,
                )
                if not cell["verdict"].startswith(("closed", "not closed")):
                    break


TECHNIQUES = r"""
import json, sys, time
from dsl.loader import load_model
from verifier.core.result import CheckOptions, Engine
from verifier.engines import explicit
from verifier.semantics.interp import Interpreter
import dataclasses
model = load_model(sys.argv[1])
rounds = {"Server": model.role("Server").candidates[0].exprs}  # commitIndex
model = dataclasses.replace(model, messages=tuple(
    dataclasses.replace(m, round=None) for m in model.messages))
bound = int(sys.argv[2])
variant = sys.argv[3]
kw = {}
fields = {f.name for f in dataclasses.fields(CheckOptions)}
if "symmetry" in fields:
    kw["symmetry"] = variant == "all"
opts = CheckOptions(bound=bound, engine=Engine.EXPLICIT, rounds=rounds, one_step=False, **kw)
if variant == "events":
    interp = Interpreter(model, rounds)
    frontier, seen, events = [interp.initial()], set(), 0
    t0 = time.process_time()
    for _ in range(bound):
        nxt = []
        for s in frontier:
            for step, post in interp.successors(s):
                events += 1
                if post not in seen:
                    seen.add(post)
                    nxt.append(post)
        frontier = nxt
    t = time.process_time() - t0
    print(json.dumps({"events": events, "cpu": round(t, 2), "rate": round(events / t)}))
    sys.exit(0)
t0 = time.process_time()
if variant == "base":
    r = explicit.explicit_check(model, opts)
else:
    r = explicit.explicit_check(model, opts, targeted=variant != "full")
t = time.process_time() - t0
print(json.dumps({"verdict": r.verdict.value, "cex": len(r.trace) if r.trace else None,
                  "nodes": r.stats.nodes, "cpu": round(t, 2)}))
"""


def techniques(args) -> None:
    """Before/after per technique (module docstring)."""
    raft = os.path.join(ROOT, "examples", "raft.cc")
    runs = [("this checkout", ROOT)] + ([("before", args.before)] if args.before else [])
    print("| code | variant | bound | verdict | cex | nodes | CPU s |")
    print("|---|---|---|---|---|---|---|")
    names = {
        "full": "unreduced (every grouped trace first, no symmetry)",
        "targeted": "targeted witness search, no symmetry",
        "all": "targeted witness search + symmetry",
        "base": "the code before (grouped enumeration)",
    }
    for label, path in runs:
        variants = ["base"] if label == "before" else ["full", "targeted", "all"]
        for bound in args.tech_bounds:
            for variant in variants:
                cell = _py(path, raft, bound, variant, args.cell_timeout)
                print(
                    f"| {label} | {names[variant]} | {bound} | {cell.get('verdict', '')} | "
                    f"{cell.get('cex') or ''} | {cell.get('nodes', '')} | {cell.get('cpu', '')} |",
                    flush=True,
                )
    print()
    print("| code | interpreter | levels | events | CPU s | events/s |")
    print("|---|---|---|---|---|---|")
    for label, path in runs:
        cell = _py(path, raft, args.event_levels, "events", args.cell_timeout)
        print(
            f"| {label} | successors | {args.event_levels} | {cell.get('events', '')} "
            f"| {cell.get('cpu', '')} | {cell.get('rate', '')} |",
            flush=True,
        )


def _py(path: str, model: str, bound: int, variant: str, timeout: float) -> dict:
    env = dict(os.environ, PYTHONPATH=path)
    cmd = [sys.executable, "-c", TECHNIQUES, model, str(bound), variant]
    try:
        out = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd="/"
        ).stdout
        return json.loads(out)
    except subprocess.TimeoutExpired:
        return {"verdict": f"unknown (> {timeout:.0f} s)"}
    except json.JSONDecodeError:
        return {"verdict": "error"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", default=",".join(SERIES))
    ap.add_argument("--engines", default="explicit,smt")
    ap.add_argument("--cell-timeout", type=float, default=600.0)
    ap.add_argument("--techniques", action="store_true")
    ap.add_argument("--before", metavar="DIR", default=None, help="an older checkout")
    ap.add_argument("--tech-bounds", type=lambda s: [int(x) for x in s.split(",")], default=[9])
    ap.add_argument("--event-levels", type=int, default=8)
    args = ap.parse_args()
    for name in args.series.split(","):
        if name not in SERIES:
            ap.error(f"unknown series {name!r} (known: {', '.join(SERIES)})")
    if args.techniques:
        techniques(args)
    else:
        table(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
