#!/usr/bin/env python3
"""Regenerate docs/findings.md: the monotone-attribute survey over every example.

    python benchmarks/findings.py                    # bound 6, 2 jobs -> docs/findings.md
    python benchmarks/findings.py --bound 4 --jobs 1 --out /tmp/findings.md

Every number in the generated file comes from this run (``ccverify survey`` underneath:
:func:`verifier.synth.survey.run_survey`); do not edit it by hand.  Hand-written analysis lives
in docs/findings-notes.md, which this script never touches.  The wall time is printed at
the end (docs/performance.md, section "Survey", records it).
"""

from __future__ import annotations

import argparse
import datetime
import glob
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from dsl.loader import load_model
from verifier.core.result import Engine
from verifier.output.survey_report import survey_json, survey_markdown
from verifier.synth.pipeline import Status, SynthOptions, synthesize
from verifier.synth.survey import Survey, answers, run_survey

# Deeper single-attribute runs: (model, bound, attribute).  Raft's commit index first
# changes at event 9 (timeout, vote request received, vote received, become_leader,
# client_request, append_entries, its receipt, the answer's receipt,
# advance_commit_index), so the survey's bound cannot see it move.
DEEP = [("examples/raft.cc", 9, "commitIndex")]


def details(s: Survey) -> list[str]:
    """Per protocol: every monotone non-trivial candidate and its verdict."""
    out = ["", "## Per protocol", ""]
    for e in s.entries:
        name = os.path.basename(e.file)
        if e.report is None:
            out += [f"### {name}", "", f"error: {e.error}", ""]
            continue
        rep = e.report
        a = answers(rep, s.attribute)
        out += [f"### {name}", ""]
        check_s = sum(r.result.stats.seconds for r in rep.rows if r.result is not None)
        out.append(
            f"Declared round: {a.declared}.  {len(rep.attributes)} role attributes "
            f"analysed in {rep.attr_seconds:.1f} s; {rep.checks} closure checks, "
            f"{check_s:.1f} s in all."
        )
        out += ["", "| candidate | monotone | granularity | verdict |", "|---|---|---|---|"]
        for r in rep.rows:
            if not r.nontrivial_monotone:
                continue
            verdict = r.status.value
            if r.status is Status.CLOSED_BOUNDED:
                verdict = f"closed up to {rep.options.bound}"
            elif r.status is Status.NOT_CLOSED:
                ok = ", confirmed (explicit)" if r.confirmation and r.confirmation.confirmed else ""
                verdict = f"not closed ({r.cex_length} events{ok})"
            if r.same_as is not None:
                verdict += f" — as `{r.same_as.candidate.text}`"
            out.append(
                f"| `{r.candidate.text}` | {r.monotone.value} | {r.granularity} | {verdict} |"
            )
        dropped = [r for r in rep.rows if r.status is Status.NOT_MONOTONE]
        trivial = [r for r in rep.rows if r.status is Status.TRIVIAL]
        out += ["", f"Not monotone: {len(dropped)}; trivial within the bound: {len(trivial)}."]
        c = a.counterexample
        if c is not None and c.result is not None and c.result.violations:
            out.append(
                f"Monotone but not closed: `{c.candidate.text}`, counterexample of "
                f"{c.cex_length} events; suspicious event: "
                f"{c.result.violations[0].text}."
            )
        out += [f"note: {n}" for n in rep.notes]
        out.append("")
    return out


def deep_runs(jobs: int, timeout: float) -> tuple[list[str], float]:
    """The DEEP runs (explicit closure engine, the attribute and the declared round
    checked) as a Markdown section, and their wall time."""
    start = time.monotonic()
    out = ["", "## Deeper runs", ""]
    for path, bound, attr in DEEP:
        opts = SynthOptions.of(
            bound=bound,
            jobs=jobs,
            max_checks=2,
            focus=attr,
            timeout=timeout,
            engine=Engine.EXPLICIT,
        )
        rep = synthesize(
            load_model(os.path.join(ROOT, path)),
            opts,
            progress=lambda t: print(t, file=sys.stderr, flush=True),
        )
        out.append(
            f"`ccverify synth {path} --bound {bound} --attribute {attr} "
            f"--max-checks 2 --engine explicit --timeout {timeout:g}` "
            f"({rep.seconds:.0f} s):"
        )
        out += ["", "| candidate | monotone | granularity | verdict |", "|---|---|---|---|"]
        for r in rep.rows:
            if r.result is None:
                continue
            verdict = r.status.value
            if r.status is Status.CLOSED_BOUNDED:
                verdict = f"closed up to {bound}"
            elif r.status is Status.NOT_CLOSED:
                verdict = f"not closed ({r.cex_length} events)"
            out.append(
                f"| `{r.candidate.text}` | {r.monotone.value} | {r.granularity} | {verdict} |"
            )
        out.append("")
    return out, time.monotonic() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bound", type=int, default=6)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-checks", type=int, default=6)
    ap.add_argument("--timeout", type=float, default=120.0, help="per closure check")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "findings.md"))
    ap.add_argument("--json", default=None, help="also write the survey as JSON")
    ap.add_argument("--no-deep", action="store_true", help="skip the deeper runs")
    ap.add_argument("--deep-timeout", type=float, default=600.0)
    args = ap.parse_args()
    files = sorted(glob.glob(os.path.join(ROOT, "examples", "*.cc")))
    opts = SynthOptions.of(
        bound=args.bound,
        jobs=args.jobs,
        max_checks=args.max_checks,
        timeout=args.timeout,
        engine=Engine.SMT,
    )
    start = time.monotonic()
    survey = run_survey(
        [os.path.relpath(f, ROOT) for f in files],
        opts,
        progress=lambda t: print(t, file=sys.stderr, flush=True),
    )
    wall = time.monotonic() - start
    deep, deep_wall = ([], 0.0) if args.no_deep else deep_runs(args.jobs, args.deep_timeout)
    v = survey.versions
    head = [
        "# Findings: is a monotone attribute enough? Is it the commit index?",
        "",
        "<!-- GENERATED by `python benchmarks/findings.py` — do not edit by hand; the "
        "analysis is in findings-notes.md. -->",
        "",
        f"Generated {datetime.date.today().isoformat()} by `python benchmarks/findings.py "
        f"--bound {args.bound} --jobs {args.jobs} --max-checks {args.max_checks} "
        f"--timeout {args.timeout:g}` (the same as `ccverify survey examples/*.cc --bound "
        f"{args.bound} -j {args.jobs} --max-checks {args.max_checks} --timeout "
        f"{args.timeout:g}`), bound {args.bound}, ccverify {v['ccverify']}, z3 {v['z3']}, "
        f"pysmt {v['pysmt']}, Python {v['python']}; survey wall time {wall:.0f} s "
        f"({os.cpu_count()} CPUs).",
        "",
        "**What these tables mean** — that monotonicity is not enough, that the commit index "
        "is not the general answer, and where the declared rounds disagree with the "
        "communication-closure literature (Raft with the term, Zab), with the traces — is "
        "written up in [findings-notes.md](findings-notes.md); the per-protocol verdicts "
        "of the declared rounds are in [corpus.md](corpus.md).",
        "",
        "Columns: the declared round's verdict (as `ccverify check`); the monotone "
        "non-trivial candidates (never lowered within the bound, at least two rounds for "
        "some process; pairs equal to another candidate within the bound not counted), "
        "how many got a closure check (by priority: declared round, commit index, listed "
        "candidates, granularity); those closed up to the bound; whether the commit index "
        "(a one-component attribute mentioning `commit`) is a monotone non-trivial round "
        "that is closed; and a monotone non-trivial candidate that is not closed (a "
        'counterexample to "monotone implies closed"), with its counterexample length.  '
        "Every counterexample was replayed by the interpreter and confirmed by the "
        "explicit engine unless the row says otherwise.",
        "",
        "## Survey",
        "",
    ]
    body = survey_markdown(survey).splitlines()
    with open(args.out, "w") as f:
        f.write("\n".join(head + body + deep + details(survey)) + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(survey_json(survey), f, indent=2)
    print(
        f"wrote {args.out}; survey wall time {wall:.1f} s, deeper runs {deep_wall:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
