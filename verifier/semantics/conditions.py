"""Projections, the local conditions (docs/semantics.md §6), and round-grouped traces (§5).

These functions work on decoded traces (:class:`verifier.core.runtime.Trace`) with the
interpreter as the authority on rounds, tags and observations, so both engines share them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from verifier.core.result import Violation
from verifier.core.runtime import Proc, Round, Step, Trace

if TYPE_CHECKING:
    from verifier.semantics.interp import Interpreter

Projections = tuple[tuple[tuple, ...], ...]


def initial_projections(interp: Interpreter) -> Projections:
    s0 = interp.initial()
    return tuple((interp.observe(p, s0.locals[i]),) for i, p in enumerate(interp.procs))


def extend_projections(
    interp: Interpreter, projs: Projections, pidx: int, step: Step
) -> Projections:
    """The projections after ``step`` (by process number ``pidx``): stuttering removed."""
    obs = interp.observe(step.proc, step.post)
    if projs[pidx][-1] == obs:
        return projs
    return projs[:pidx] + (projs[pidx] + (obs,),) + projs[pidx + 1 :]


def projections(interp: Interpreter, trace: Trace) -> Projections:
    """``proj_p(trace)`` for every process p, in the interpreter's process order."""
    projs = initial_projections(interp)
    for step in trace.steps:
        projs = extend_projections(interp, projs, interp.proc_index(step.proc), step)
    return projs


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``1 solver call``, ``2 solver calls``."""
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"


def fmt_round(r: Round) -> str:
    return "(" + ", ".join(str(x) for x in r) + ")"


def round_window(interp: Interpreter, step: Step) -> tuple[Round, Round]:
    """``(round(pre), round(post))`` of ``step``: the rounds its kappa may take."""
    return interp.round_of(step.proc, step.pre), interp.round_of(step.proc, step.post)


def in_window(interp: Interpreter, step: Step, kappa: Round) -> bool:
    """Whether ``kappa`` lies in the round window of ``step`` (:func:`round_window`)."""
    lo, hi = round_window(interp, step)
    return lo <= kappa <= hi


def step_violations(interp: Interpreter, i: int, step: Step) -> list[Violation]:
    """The local conditions ``step`` (the i-th event of a trace) breaks."""
    out: list[Violation] = []
    pre, post = round_window(interp, step)
    who = str(step.proc)
    if post < pre:
        out.append(
            Violation(
                i,
                "monotone",
                f"{who} lowered its round from {fmt_round(pre)} to "
                f"{fmt_round(post)} in '{step.edge}'",
            )
        )
    for m in step.sent:
        declared = interp.declared_round(m)
        if declared is not None and declared != m.tag:
            out.append(
                Violation(
                    i,
                    "send",
                    f"{who} sent {m.type} to {m.dst} declaring round "
                    f"{fmt_round(declared)} while in round {fmt_round(m.tag)}",
                )
            )
    got = step.consumed
    if got is not None:
        m = got
        if m.tag < pre:
            out.append(
                Violation(
                    i,
                    "receive",
                    f"{who} acted on a round-{fmt_round(m.tag)} {m.type} from "
                    f"{m.src} while in round {fmt_round(pre)} (a stale message "
                    f"changed its state or made it send)",
                )
            )
        elif m.tag > post:
            out.append(
                Violation(
                    i,
                    "receive",
                    f"{who} acted on a round-{fmt_round(m.tag)} {m.type} from "
                    f"{m.src} but stayed in round {fmt_round(post)} (a future "
                    f"message used without moving to its round)",
                )
            )
    return out


def trace_violations(interp: Interpreter, trace: Trace) -> tuple[Violation, ...]:
    return tuple(v for i, s in enumerate(trace.steps) for v in step_violations(interp, i, s))


def kappa_of(interp: Interpreter, step: Step) -> Round:
    """The round the reordering lemma gives an event: the tag of the message it receives,
    else its round before the event."""
    if step.consumed is not None:
        return step.consumed.tag
    return interp.round_of(step.proc, step.pre)


def next_kappa(interp: Interpreter, kappa: Round | None, step: Step) -> Round | None:
    """The least round kappa(step) the round-grouped rules (docs/semantics.md §5) allow after an
    event given ``kappa`` (None at the start), or None when none is allowed.  Taking the
    least never rules out a continuation: later events only need kappa >= this one."""
    lo, hi = round_window(interp, step)
    if step.consumed is not None:
        k = step.consumed.tag
        if (kappa is not None and k < kappa) or not lo <= k <= hi:
            return None
        return k
    k = lo if kappa is None or lo >= kappa else kappa
    return k if k <= hi else None


def grouped_kappas(interp: Interpreter, steps: tuple[Step, ...]) -> tuple[Round, ...] | None:
    """Rounds kappa making ``steps`` round-grouped (docs/semantics.md §5), each the least possible,
    or None when the sequence is not round-grouped."""
    out: list[Round] = []
    cur: Round | None = None
    for step in steps:
        cur = next_kappa(interp, cur, step)
        if cur is None:
            return None
        out.append(cur)
    return tuple(out)


def kappa_order(interp: Interpreter, steps: tuple[Step, ...]) -> list[int]:
    """The positions of ``steps`` sorted stably by :func:`kappa_of`: the lemma's order."""
    return sorted(range(len(steps)), key=lambda i: (kappa_of(interp, steps[i]), i))


def reorder_by_kappa(interp: Interpreter, trace: Trace) -> tuple[Step, ...]:
    """The reordering of the lemma: the events sorted stably by :func:`kappa_of`."""
    return tuple(trace.steps[i] for i in kappa_order(interp, trace.steps))


def proc_index(interp: Interpreter) -> Mapping[Proc, int]:
    """Process -> position in the global order (the interpreter's one index)."""
    return interp.index
