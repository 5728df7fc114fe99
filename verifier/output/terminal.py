"""Terminal output with rich: the verdict banner, traces as tables, side-by-side views.

Functions here build rich renderables; the CLI prints them on a console from
:func:`make_console`.  Colour is used only on a terminal, never when ``NO_COLOR`` is set
or ``--no-color`` is given; without colour the output is plain text (what the golden
tests compare).  Red marks what breaks closure (a message crossing a round boundary, an
event breaking a local condition), bold a change of round.
"""

from __future__ import annotations

import os
from typing import IO

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from verifier.core.result import CheckResult, Verdict, Violation
from verifier.core.runtime import Round, Step, Trace
from verifier.output.explain import Reordering, deliveries, inversions
from verifier.output.render import (
    changed_vars,
    edge_location,
    event_label,
    format_cti,
    format_message,
)
from verifier.semantics.conditions import fmt_round, plural
from verifier.semantics.interp import Interpreter

PLAIN_WIDTH = 120  # the width of output that does not go to a terminal (unless COLUMNS)

# A rule under the header and a dashed rule at the end of a section (a round).
ROUNDS_BOX = box.Box("    \n    \n ── \n    \n ╌╌ \n    \n    \n    \n")


def use_color(file: IO[str], no_color: bool = False) -> bool:
    """Colour only on a terminal, and neither with ``--no-color`` nor with NO_COLOR set."""
    if no_color or os.environ.get("NO_COLOR", "") != "":
        return False
    isatty = getattr(file, "isatty", None)
    return bool(isatty and isatty())


def make_console(file: IO[str], *, no_color: bool = False) -> Console:
    """A console writing to ``file``: styled on a colour terminal, plain text otherwise.
    On a terminal the text is laid out at the terminal's width, coloured or not; written
    to a pipe or a file it is ``$COLUMNS`` wide, else ``PLAIN_WIDTH``."""
    color = use_color(file, no_color)
    width = None  # a terminal: its real width, with or without colour (rich asks it)
    isatty = getattr(file, "isatty", None)
    if not (isatty and isatty()):
        try:
            width = int(os.environ.get("COLUMNS", "")) or PLAIN_WIDTH
        except ValueError:
            width = PLAIN_WIDTH
    return Console(
        file=file,
        color_system="auto" if color else None,
        force_terminal=color,
        no_color=not color,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )


def emit(console: Console, parts: list) -> None:
    """Print ``parts`` on ``console``; without colour, with trailing blanks removed (rich
    pads table rows to their full width), so that plain output diffs cleanly."""
    if console.color_system is not None:
        for part in parts:
            console.print(part)
        return
    with console.capture() as cap:
        for part in parts:
            console.print(part)
    text = "\n".join(line.rstrip() for line in cap.get().split("\n"))
    console.file.write(text)
    console.file.flush()


# ---------------------------------------------------------------------------- verdicts


def verdict_text(result: CheckResult) -> str:
    """``closed (all bounds)``, ``closed up to bound 4``, ``not closed`` or ``unknown``; a
    vacuous bounded verdict says so (:meth:`CheckResult.describe`)."""
    return result.describe()


def crossing_text(result: CheckResult) -> str:
    """One sentence on the first crossing bound B of a bounded "closed" verdict (the empty
    string when B was not computed)."""
    c = result.crossing
    if c is None:
        return ""
    k = result.bound
    verdict = result.vacuous
    if verdict is None:
        return f"vacuity undecided: {c.describe()}; closed up to bound {k} is vacuous if B > {k}"
    if not verdict:
        assert c.bound is not None
        return f"not vacuous: B = {c.bound} ({c.crossing})"
    if c.bound is not None:
        n = plural(c.bound - 1, "event")
        why = f"B = {c.bound}, the shortest trace reaching a crossing state has {n} ({c.crossing})"
    elif c.exhausted:
        why = "no reachable state has a message in flight across rounds"
    else:
        why = f"no trace of at most {plural(c.searched, 'event')} reaches a crossing state"
        why += f" ({c.describe()})"
    return (
        f"vacuous: {why}; every trace of at most {plural(k, 'event')} receives only "
        f"messages of the receiver's own round"
    )


def banner(model_name: str, result: CheckResult) -> RenderableType:
    """The verdict in a box: green closed, red not closed, yellow unknown."""
    style = {
        Verdict.CLOSED_ALL: "bold green",
        Verdict.CLOSED_BOUNDED: "bold green",
        Verdict.NOT_CLOSED: "bold red",
        Verdict.UNKNOWN: "bold yellow",
    }[result.verdict]
    text = Text.assemble((f"{model_name}: ", "bold"), (verdict_text(result), style))
    return Panel.fit(text, border_style=style, box=box.ROUNDED)


def stats_line(result: CheckResult) -> Text:
    s = result.stats
    engine = result.engine.value + (f" ({result.solver})" if result.solver else "")
    extra = (
        f", {plural(s.solver_calls, 'solver call')}, "
        f"{plural(s.refuted, 'suspicious trace')} refuted"
        if result.engine.value == "smt"
        else f", {s.nodes} search nodes"
    )
    if s.symmetry:
        extra += f", symmetry: {s.symmetry}"
    return Text(
        f"[{engine}: bound {result.bound}, witness bound {result.witness_bound}, "
        f"{s.seconds:.2f} s{extra}]",
        style="dim",
    )


def result_view(result: CheckResult, full: bool = False) -> list:
    """The banner, the evidence (the counterexample as a table, or why closed / unknown)
    and the statistics."""
    interp = result.context
    out: list = [banner(interp.model.name, result)]
    kp = result.witness_bound
    if result.verdict is Verdict.NOT_CLOSED and result.trace is not None:
        n = len(result.trace)
        out.append(
            Text(f"counterexample: a trace of {n} event{'s' if n != 1 else ''}", style="bold")
        )
        out.append(trace_table(interp, result.trace.steps, result.violations, full))
        why = [v.text for v in result.violations]
        if why:
            out.append(Text("suspicious because: " + "; ".join(why)))
        out.append(
            Text(
                f"No round-grouped trace of at most {kp} events reproduces these "
                f"local states (every process's projection)."
            )
        )
    elif result.reason:
        out.append(Text(result.reason))
    if result.verdict is Verdict.CLOSED_BOUNDED and result.crossing is not None:
        out.append(Text(crossing_text(result), style="yellow" if result.vacuous else ""))
    if result.proof is not None and (result.proof.inferred or result.proof.invariants):
        for inv in result.proof.invariants:
            out.append(Text(f"  invariant {inv}"))
        for r in result.proof.inferred:
            out.append(Text(f"  inferred round {r}"))
    for note in result.notes:
        out.append(Text(f"note: {note}", style="dim"))
    if result.cti is not None:
        out.append(Text("\n".join(format_cti(interp, result.cti)), style="dim"))
    out.append(stats_line(result))
    return out


# ---------------------------------------------------------------------------- traces


def _round_cell(interp: Interpreter, step: Step) -> Text:
    pre = interp.round_of(step.proc, step.pre)
    post = interp.round_of(step.proc, step.post)
    if pre == post:
        return Text(fmt_round(pre))
    return Text(f"{fmt_round(pre)} -> {fmt_round(post)}", style="bold")


def _crossing(interp: Interpreter, steps: tuple[Step, ...]) -> set[int]:
    """Positions of the events receiving a message that crosses a round boundary."""
    return {d.recv for d in deliveries(interp, steps) if d.crosses and d.recv is not None}


NARROW_BELOW = 100  # columns: under this the trace is a list, not a table


class _ByWidth:
    """A renderable that is ``wide`` when it has at least ``NARROW_BELOW`` columns, else
    ``narrow`` (so 80-column terminals get a layout made for them, not a squeezed table)."""

    def __init__(self, wide: RenderableType, narrow: RenderableType):
        self.wide, self.narrow = wide, narrow

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.wide if options.max_width >= NARROW_BELOW else self.narrow


def _event_lines(
    interp: Interpreter,
    i: int,
    step: Step,
    violations: tuple[Violation, ...],
    full: bool,
    crossing: set[int],
) -> list[Text]:
    lines: list[Text] = []
    if step.consumed is not None:
        lines.append(
            Text(
                "received " + format_message(interp, step.consumed, direction="from"),
                style="red" if i in crossing else "",
            )
        )
    for name, a, b in changed_vars(interp, step, full):
        lines.append(Text(f"{name}: {a} -> {b}" if a != b else f"{name} = {a}"))
    for m in step.sent:
        lines.append(Text("sent " + format_message(interp, m)))
    for v in violations:
        if v.step == i:
            where = edge_location(interp, step)
            lines.append(Text(f"!! breaks '{v.condition}' ({where}): {v.text}", style="bold red"))
    return lines


def trace_table(
    interp: Interpreter,
    steps: tuple[Step, ...],
    violations: tuple[Violation, ...] = (),
    full: bool = False,
    kappas: tuple[Round, ...] | None = None,
    numbers: tuple[int, ...] | None = None,
) -> RenderableType:
    """One row per event: process, edge, round (a change in bold), and what happened:
    the message received (red when it crosses a round boundary), the variables that
    changed (all with ``full``), the messages sent, the local conditions broken (red).
    With ``kappas`` (a grouped ordering) a column gives each event's kappa and a rule
    separates the rounds; ``numbers`` replaces the event numbers (original positions).
    Under ``NARROW_BELOW`` columns the same content is a list: a heading line per event
    and its details indented below it."""
    return _ByWidth(
        _wide_table(interp, steps, violations, full, kappas, numbers),
        _narrow_list(interp, steps, violations, full, kappas, numbers),
    )


def _narrow_list(interp, steps, violations, full, kappas, numbers) -> Group:
    parts: list[RenderableType] = []
    crossing = _crossing(interp, steps)
    width = len(str(max(numbers) if numbers else len(steps)))
    for i, step in enumerate(steps):
        red = any(v.step == i for v in violations)
        head = Text.assemble(
            (f"{numbers[i] if numbers else i + 1:>{width}}  {step.proc} ", ""),
            (event_label(interp, step), "bold red" if red else "bold"),
            "   round ",
            _round_cell(interp, step),
        )
        if kappas is not None:
            head.append(f"   kappa {fmt_round(kappas[i])}")
        parts.append(head)
        for line in _event_lines(interp, i, step, violations, full, crossing):
            parts.append(Padding(line, (0, 0, 0, width + 4)))
        if kappas is not None and i + 1 < len(steps) and kappas[i + 1] != kappas[i]:
            parts.append(Text("╌" * 40, style="dim"))
    return Group(*parts)


def _wide_table(interp, steps, violations, full, kappas, numbers) -> Table:
    table = Table(box=ROUNDS_BOX, show_edge=False, pad_edge=False)
    table.add_column("#", justify="right")
    if kappas is not None:
        table.add_column("kappa")
    table.add_column("process")
    table.add_column("event")
    table.add_column("round")
    table.add_column("received / changed / sent")
    crossing = _crossing(interp, steps)
    for i, step in enumerate(steps):
        lines = _event_lines(interp, i, step, violations, full, crossing)
        red = any(v.step == i for v in violations)
        row = [Text(str(numbers[i] if numbers else i + 1))]
        if kappas is not None:
            row.append(Text(fmt_round(kappas[i])))
        row += [
            Text(str(step.proc)),
            Text(event_label(interp, step), style="bold red" if red else ""),
            _round_cell(interp, step),
            Text("\n").join(lines) if lines else Text("-"),
        ]
        last_of_round = kappas is not None and i + 1 < len(steps) and kappas[i + 1] != kappas[i]
        table.add_row(*row, end_section=last_of_round)
    return table


def _compact(interp: Interpreter, step: Step, red: bool, crossing: bool) -> Text:
    text = Text(f"{step.proc} {event_label(interp, step)}", style="bold red" if red else "")
    if step.consumed is not None:
        m = step.consumed
        text.append(
            f"\n  <- {m.type} {fmt_round(m.tag)} from {m.src}", style="red" if crossing else ""
        )
    for m in step.sent:
        text.append(f"\n  -> {m.type} {fmt_round(m.tag)} to {m.dst}")
    return text


def side_by_side(
    interp: Interpreter,
    trace: Trace,
    reordering: Reordering,
    left_title: str,
    right_title: str,
    offending: frozenset[int] = frozenset(),
) -> RenderableType:
    """The trace and its reordering by kappa as two compact tables side by side: each
    event with the messages it receives (``<-``) and sends (``->``) with their tags; the
    reordering has a kappa column, keeps the original event numbers, and separates rounds."""
    left = Table(
        title=left_title, title_justify="left", box=ROUNDS_BOX, show_edge=False, pad_edge=False
    )
    left.add_column("#", justify="right")
    left.add_column("event")
    left.add_column("round")
    cross = _crossing(interp, trace.steps)
    for i, step in enumerate(trace.steps):
        left.add_row(
            str(i + 1),
            _compact(interp, step, i in offending, i in cross),
            _round_cell(interp, step),
        )
    right = Table(
        title=right_title, title_justify="left", box=ROUNDS_BOX, show_edge=False, pad_edge=False
    )
    right.add_column("#", justify="right")
    right.add_column("kappa")
    right.add_column("event")
    right.add_column("round")
    rcross = _crossing(interp, reordering.steps)
    ks = reordering.kappas
    for i, step in enumerate(reordering.steps):
        bad = i in reordering.misfits or i >= reordering.replayed
        right.add_row(
            str(reordering.order[i] + 1),
            Text(fmt_round(ks[i])),
            _compact(interp, step, bad, i in rcross),
            _round_cell(interp, step),
            end_section=i + 1 < len(ks) and ks[i + 1] != ks[i],
        )
    grid = Table.grid(padding=(0, 4))
    grid.add_column()
    grid.add_column()
    grid.add_row(left, right)
    return _ByWidth(grid, Group(left, Text(""), right))  # narrow: one above the other


def explain_view(
    interp: Interpreter,
    trace: Trace,
    reordering: Reordering,
    *,
    sample_seed: int | None = None,
    violations: tuple[Violation, ...] = (),
) -> list:
    """The side-by-side view of ``explain``: for a closed protocol a sample trace (from a
    random search with ``sample_seed``), for a counterexample the trace; and its
    reordering by kappa, with one sentence saying what the reordering is."""
    n = len(trace)
    k = inversions(interp, trace.steps)
    if sample_seed is not None:
        head = (
            f"A sample trace of {n} event{'s' if n != 1 else ''} (random search, seed "
            f"{sample_seed}; {k} pair{'s' if k != 1 else ''} of events out of kappa "
            f"order) and its reordering by kappa:"
        )
        lt = "sample trace"
    else:
        head = (
            "The counterexample and the best grouped attempt (its events sorted stably by kappa):"
        )
        lt = "counterexample"
    verdict = reordering.summary(interp)
    style = "green" if reordering.equivalent and reordering.grouped else "red"
    return [
        Text(head, style="bold"),
        side_by_side(
            interp, trace, reordering, lt, "sorted by kappa", frozenset(v.step for v in violations)
        ),
        Text.assemble("reordering: ", (verdict, style)),
    ]
