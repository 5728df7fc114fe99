#!/usr/bin/env python3
"""Regenerate docs/findings.md: the monotone-attribute survey over every example.

    python benchmarks/findings.py                    # the whole corpus -> docs/findings.md
    python benchmarks/findings.py --jobs 1 --out /tmp/findings.md examples/ping_*.cc

Every number in the generated file comes from this run (``ccverify survey`` underneath:
:func:`verifier.synth.survey.run_survey`); do not edit it by hand.  Hand-written analysis lives
in docs/findings-notes.md, which this script never touches.  The wall time is printed at
the end (docs/performance.md, section "Survey", records it).

Every candidate is checked at a bound of at least its first crossing bound B (plus the
margin of :mod:`verifier.synth.bounds`, up to ``--max-bound``), so no verdict in the
tables is vacuous; each row states B and the bound its verdict holds at.  A protocol with
a commit-like attribute whose commit-index question stays undecided (B beyond
``--max-bound``, a timeout) is listed at the end of the file and on stderr.
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

from verifier.core.result import Engine
from verifier.output.survey_report import survey_json, survey_markdown
from verifier.synth.bounds import MARGIN
from verifier.synth.pipeline import Status, SynthOptions, SynthReport
from verifier.synth.survey import Survey, answers, run_survey


def _verdict(r) -> str:
    text = r.describe()
    if r.status is Status.NOT_CLOSED:
        ok = ", confirmed (explicit)" if r.confirmation and r.confirmation.confirmed else ""
        text = f"not closed ({r.cex_length} events{ok})"
    if r.note and r.status in (Status.SKIPPED, Status.UNKNOWN, Status.NOT_MONOTONE):
        text += f" — {r.note}"
    return text


def protocol_details(rep: SynthReport, attribute: str | None) -> list[str]:
    """One protocol: every monotone candidate with B, the bound checked and the verdict."""
    a = answers(rep, attribute)
    check_s = sum(r.result.stats.seconds for r in rep.rows if r.result is not None)
    out = [
        f"Declared round: {a.declared}.  {len(rep.attributes)} role attributes "
        f"analysed in {rep.attr_seconds:.1f} s; {rep.checks} closure checks, "
        f"{check_s:.1f} s in all.",
        "",
        "| candidate | monotone | granularity | B | bound | verdict |",
        "|---|---|---|---|---|---|",
    ]
    mono = {id(r) for r in a.monotone}
    shown = [
        r
        for r in rep.rows
        if id(r) in mono or (r.status is Status.NOT_MONOTONE and r.result is not None)
    ]
    for r in shown:
        bound = "-" if r.checked_bound is None else str(r.checked_bound)
        out.append(
            f"| `{r.candidate.text}` | {r.monotone.value} | {r.granularity} | {r.b_text()} "
            f"| {bound} | {_verdict(r)} |"
        )
    dropped = [r for r in rep.rows if r.status is Status.NOT_MONOTONE]
    trivial = [r for r in rep.rows if r.status is Status.TRIVIAL]
    out += [
        "",
        f"Not monotone: {len(dropped)}; one role's attribute with no round for the other "
        f"roles (never changes within the facts' bound): {len(trivial)}.",
    ]
    c = a.counterexample
    if c is not None and c.result is not None and c.result.violations:
        out.append(
            f"Monotone but not closed: `{c.candidate.text}` (B = {c.b_text()}, checked at "
            f"{c.checked_bound}), counterexample of {c.cex_length} events; suspicious "
            f"event: {c.result.violations[0].text}."
        )
    out += [f"note: {n}" for n in rep.notes]
    return out


def details(s: Survey) -> list[str]:
    """Per protocol: every monotone candidate and its verdict."""
    out = ["", "## Per protocol", ""]
    for e in s.entries:
        name = os.path.basename(e.file)
        out += [f"### {name}", ""]
        if e.report is None:
            out += [f"error: {e.error}", ""]
            continue
        out += protocol_details(e.report, s.attribute) + [""]
    return out


def undecided(s: Survey) -> list[str]:
    """Protocols with a commit-like attribute whose commit-index answer is undecided."""
    out = []
    for e in s.entries:
        if e.report is not None:
            a = answers(e.report, s.attribute)
            if a.commit.startswith("undecided"):
                out.append(f"{os.path.basename(e.file)}: {a.commit}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help="models (default: examples/*.cc)")
    ap.add_argument("--bound", type=int, default=6, help="bound of the attribute facts")
    ap.add_argument("--max-bound", type=int, default=None, help="deepest closure check")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-checks", type=int, default=None, help="default: every candidate")
    ap.add_argument("--timeout", type=float, default=600.0, help="per closure check")
    ap.add_argument(
        "--engine",
        choices=[e.value for e in Engine],
        default=Engine.AUTO.value,
        help="engine of the closure checks (default auto: the one-step proof, then the "
        "explicit bounded search)",
    )
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "findings.md"))
    ap.add_argument("--json", default=None, help="also write the survey as JSON")
    args = ap.parse_args()
    args.out = os.path.abspath(args.out)
    args.json = args.json and os.path.abspath(args.json)
    files = [os.path.relpath(os.path.abspath(f), ROOT) for f in args.files] or [
        os.path.relpath(f, ROOT) for f in sorted(glob.glob(os.path.join(ROOT, "examples", "*.cc")))
    ]
    os.chdir(ROOT)  # model paths (and the command shown) relative to the repository
    opts = SynthOptions.of(
        bound=args.bound,
        jobs=args.jobs,
        max_checks=args.max_checks,
        max_bound=args.max_bound,
        timeout=args.timeout,
        engine=Engine(args.engine),
    )
    start = time.monotonic()
    survey = run_survey(
        files,
        opts,
        progress=lambda t: print(t, file=sys.stderr, flush=True),
    )
    wall = time.monotonic() - start
    v = survey.versions
    flags = f"--bound {args.bound} --jobs {args.jobs} --timeout {args.timeout:g}"
    if args.engine != Engine.AUTO.value:
        flags += f" --engine {args.engine}"
    if args.max_bound is not None:
        flags += f" --max-bound {args.max_bound}"
    if args.max_checks is not None:
        flags += f" --max-checks {args.max_checks}"
    which = " ".join(files) if args.files else "examples/*.cc"
    head = [
        "# Findings: is a monotone attribute enough? Is it the commit index?",
        "",
        "<!-- GENERATED by `python benchmarks/findings.py` — do not edit by hand; the "
        "analysis is in findings-notes.md. -->",
        "",
        f"Generated {datetime.date.today().isoformat()} by `python benchmarks/findings.py "
        f"{flags}{' ' + which if args.files else ''}` (the same as `ccverify survey {which} "
        f"{flags.replace('--jobs', '-j')}`), ccverify {v['ccverify']}, z3 {v['z3']}, "
        f"pysmt {v['pysmt']}, Python {v['python']}; survey wall time {wall:.0f} s "
        f"({os.cpu_count()} CPUs).",
        "",
        "**What these tables mean** is written up in [findings-notes.md](findings-notes.md); "
        "the per-protocol verdicts of the declared rounds are in [corpus.md](corpus.md).",
        "",
        f"Bounds.  The attribute facts (monotone? granularity) hold on the traces of at most "
        f"{args.bound} events.  Every candidate is then checked at its own bound, "
        f"max({args.bound}, min(B + {MARGIN}, {opts.deepest})), where B is its first "
        f"crossing bound: one more than the length of the shortest trace reaching a state "
        f"with a message in flight whose tag differs from its receiver's round "
        f'(docs/semantics.md, "Vacuity").  Below B every monotone attribute is closed '
        f"trivially, so a verdict there answers nothing; here every row states B and the "
        f"bound it was checked at, and a candidate whose B is beyond --max-bound "
        f'({opts.deepest}) is "not reached", never closed.',
        "",
        "Columns: the declared round's verdict (as `ccverify check`) with B; the monotone "
        "candidates whose verdict is an answer (closed for all bounds, not closed, or closed "
        "up to a bound of at least B), out of all monotone candidates; those closed; whether "
        "the commit index (a one-component attribute mentioning `commit`) is a closed round "
        '("undecided" when it got no answer); a monotone candidate that is not closed (a '
        'counterexample to "monotone implies closed"; natural attributes — the commit '
        "index, log length, height, view, term, epoch — preferred to pairs), with its "
        "counterexample length and B; and the monotone candidates without an answer, by "
        "reason.  A candidate monotone within the facts' bound whose deeper counterexample "
        "lowers it is listed as not monotone.  Every counterexample was replayed by the "
        "interpreter and confirmed by the explicit engine unless the row says otherwise.",
        "",
        "## Survey",
        "",
    ]
    body = survey_markdown(survey).splitlines()
    open_q = undecided(survey)
    tail = ["", "## Commit index undecided", ""]
    tail += (
        [f"- {x}" for x in open_q]
        if open_q
        else ["None: every commit-like attribute got an answer."]
    )
    with open(args.out, "w") as f:
        f.write("\n".join(head + body + details(survey) + tail) + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(survey_json(survey), f, indent=2)
    for x in open_q:
        print(f"warning: commit index undecided: {x}", file=sys.stderr)
    print(f"wrote {args.out}; survey wall time {wall:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
