"""Space-time diagrams of traces (SVG or PNG), drawn with matplotlib.

One horizontal lane per process; events are points on their process's lane, left to right
in trace order, labelled with the edge; messages are arrows from the sending event to the
receiving event (messages still in flight at the end are short dashed arrows).  Each lane
is shaded by its process's round (darker = later round); in a round-grouped ordering the
groups of equal kappa are vertical bands.  Red marks what breaks communication closure: a
message received outside its receiver's round window (its tag is below the receiver's
round before the event, or above its round after it: it crosses a round boundary the
receiver did not), and an event that breaks a local condition (or, in a reordering, an
event whose kappa lies outside its rounds).

A figure has one or two panels side by side: the trace, and its reordering by kappa (the
best round-grouped attempt for a counterexample, the grouped equivalent for a closed
protocol).  Every drawn element has a stable SVG id ``<panel>-<kind>-<name>``, where panel
is ``trace`` or ``grouped``: ``trace-lane-P[0]``, ``trace-event-3`` (event number 3 of the
trace, in both panels), ``trace-msg-2`` (a delivered message, numbered in the trace's
sending order, in both panels), ``trace-inflight-4`` (a message in flight at the end),
``grouped-group-1`` (the first band of equal kappa), ``trace-round-P[0]-1`` (the first round
segment of a lane); tests and other tools can rely on them.

matplotlib is imported when this module is, so the CLI imports this module only when a
diagram is asked for.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Rectangle

from dsl.errors import UsageError
from verifier.core.result import Violation
from verifier.core.runtime import Round, Step, Trace
from verifier.output.explain import Reordering, deliveries, inversions, reorder
from verifier.output.render import event_label
from verifier.semantics.conditions import fmt_round
from verifier.semantics.interp import Interpreter

FORMATS = (".svg", ".png")
RED = "#c62828"
BLUE = "#1f5fa8"
GREY = "#8a8a8a"
INK = "#222222"


@dataclass(frozen=True)
class Panel:
    """One space-time diagram: a sequence of events and how to draw it."""

    key: str  # the SVG id prefix: "trace" or "grouped"
    title: str
    steps: tuple[Step, ...]
    order: tuple[int, ...]  # the position in the original trace of each event
    kappas: tuple[Round, ...] | None = None  # draw groups of equal kappa as bands
    offending: frozenset[int] = frozenset()  # positions drawn red
    valid: int | None = None  # events from this position on do not replay (drawn hollow)


def counterexample_panels(
    interp: Interpreter, trace: Trace, violations: tuple[Violation, ...]
) -> list[Panel]:
    """The counterexample and its best grouped attempt (the events sorted by kappa)."""
    r = reorder(interp, trace)
    n = len(trace)
    left = Panel(
        "trace",
        f"Counterexample: {n} events, not closed",
        trace.steps,
        tuple(range(n)),
        offending=frozenset(v.step for v in violations),
    )
    return [
        left,
        _reordering_panel(interp, r, "Best grouped attempt (events sorted stably by kappa): "),
    ]


def sample_panels(interp: Interpreter, trace: Trace, seed: int) -> list[Panel]:
    """A sample trace of a closed protocol and its grouped reordering."""
    n = len(trace)
    k = inversions(interp, trace.steps)
    left = Panel(
        "trace",
        f"A sample trace (random search, seed {seed}): {n} events, "
        f"{k} pair{'s' if k != 1 else ''} out of kappa order",
        trace.steps,
        tuple(range(n)),
    )
    return [
        left,
        _reordering_panel(
            interp, reorder(interp, trace), "Its reordering (events sorted stably by kappa): "
        ),
    ]


def _reordering_panel(interp: Interpreter, r: Reordering, lead: str) -> Panel:
    return Panel(
        "grouped",
        lead + r.summary(interp),
        r.steps,
        r.order,
        kappas=r.kappas,
        offending=frozenset(r.misfits),
        valid=r.replayed,
    )


def write_diagram(path: str | Path, interp: Interpreter, panels: list[Panel], title: str) -> None:
    """Draw ``panels`` side by side and save them to ``path`` (``.svg`` or ``.png``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"--diagram: cannot write {path.name!r}; use a .svg or .png file")
    with matplotlib.rc_context(
        {"svg.hashsalt": "ccverify", "svg.fonttype": "none", "font.size": 8}
    ):
        fig = draw(interp, panels, title)
        meta = {"Date": None} if suffix == ".svg" else {"Software": "ccverify"}
        try:
            fig.savefig(path, format=suffix[1:], metadata=meta)
        except OSError as err:
            raise UsageError(f"--diagram: cannot write {path}: {err.strerror}") from None


def draw(interp: Interpreter, panels: list[Panel], title: str) -> Figure:
    """The matplotlib figure of ``panels`` side by side, under ``title``."""
    nprocs = len(interp.procs)
    rounds = sorted(
        {interp.round_of(s.proc, x) for p in panels for s in p.steps for x in (s.pre, s.post)}
        | {interp.round_of(q, loc) for q, loc in zip(interp.procs, interp.initial().locals)}
    )
    widths = [max(len(p.steps), 2) * 1.3 + 1.4 for p in panels]
    height = 1.9 + 0.85 * nprocs
    fig = Figure(figsize=(sum(widths), height), layout="constrained")
    fig.suptitle(title, fontsize=10, fontweight="bold")
    axes = fig.subplots(1, len(panels), width_ratios=widths, squeeze=False)[0]
    for ax, panel, w in zip(axes, panels, widths):
        _draw_panel(interp, ax, panel, rounds, w)
    fig.legend(
        handles=_legend(), loc="outside lower center", ncol=5, fontsize=7, frameon=False
    ).set_gid("legend")
    return fig


def _legend() -> list[Line2D]:
    return [
        Line2D([], [], color=BLUE, marker=">", markersize=5, label="message"),
        Line2D(
            [],
            [],
            color=RED,
            marker=">",
            markersize=5,
            label="message received outside its receiver's round window",
        ),
        Line2D([], [], color=GREY, ls="--", label="in flight at the end"),
        Line2D([], [], color=RED, marker="o", ls="", label="event breaking a condition"),
        Line2D(
            [],
            [],
            color=GREY,
            marker="o",
            ls="",
            markerfacecolor="white",
            label="event that does not replay",
        ),
    ]


def _lane_y(interp: Interpreter, nprocs: int):
    return {p: nprocs - 1 - i for i, p in enumerate(interp.procs)}


def _draw_panel(interp: Interpreter, ax, panel: Panel, rounds: list[Round], width: float) -> None:
    n = len(panel.steps)
    nprocs = len(interp.procs)
    lane = _lane_y(interp, nprocs)
    right = n + 0.9
    ax.set_xlim(0.2, right)
    ax.set_ylim(-0.75, nprocs - 0.1 + (0.35 if panel.kappas else 0))
    ax.set_yticks([lane[p] for p in interp.procs], [str(p) for p in interp.procs])
    ax.set_xticks(range(1, n + 1), [f"#{k + 1}" for k in panel.order])
    ax.tick_params(length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(
        "events in trace order"
        if panel.kappas is None
        else "events (original numbers) sorted by kappa",
        fontsize=7,
    )
    chars = max(int(width * 15), 30)
    ax.set_title("\n".join(textwrap.wrap(panel.title, chars)), fontsize=8, loc="left")
    if panel.kappas:
        _draw_groups(ax, panel, nprocs)
    _draw_rounds(interp, ax, panel, lane, rounds, right)
    for p in interp.procs:
        ax.plot(
            [0.3, right - 0.05],
            [lane[p], lane[p]],
            color=INK,
            lw=0.8,
            zorder=1,
            gid=f"{panel.key}-lane-{p}",
        )
    valid = n if panel.valid is None else panel.valid
    for i, step in enumerate(panel.steps):
        x, y = i + 1, lane[step.proc]
        red = i in panel.offending
        if i < valid:
            style = dict(color=RED if red else INK, markersize=7)
        else:
            style = dict(color=RED if red else GREY, markersize=7, markerfacecolor="white")
        number = panel.order[i] + 1
        ax.plot([x], [y], marker="o", ls="", zorder=4, gid=f"{panel.key}-event-{number}", **style)
        ax.text(
            x,
            y + 0.14,
            _edge_label(interp, step),
            ha="center",
            va="bottom",
            fontsize=6.5,
            color=RED if red else INK,
            zorder=5,
            gid=f"{panel.key}-label-{number}",
        )
    for d in deliveries(interp, panel.steps, panel.order):
        _draw_message(interp, ax, panel, d, lane, valid)


def _edge_label(interp: Interpreter, step: Step) -> str:
    return event_label(interp, step, names=False)


def _draw_groups(ax, panel: Panel, nprocs: int) -> None:
    """Bands of equal kappa across all lanes, with their round above."""
    assert panel.kappas is not None
    runs: list[tuple[Round, int, int]] = []
    for i, k in enumerate(panel.kappas):
        if runs and runs[-1][0] == k:
            runs[-1] = (k, runs[-1][1], i)
        else:
            runs.append((k, i, i))
    for j, (k, a, b) in enumerate(runs):
        ax.axvspan(
            a + 0.5,
            b + 1.5,
            color="#f1f1f1" if j % 2 == 0 else "#fafafa",
            zorder=0,
            gid=f"{panel.key}-group-{j + 1}",
        )
        if j:
            ax.axvline(a + 0.5, color=GREY, ls=":", lw=0.8, zorder=0)
        ax.text(
            (a + b) / 2 + 1,
            nprocs - 0.2,
            f"κ = {fmt_round(k)}",
            ha="center",
            va="bottom",
            fontsize=7,
            color="#555555",
        )


def _draw_rounds(
    interp: Interpreter, ax, panel: Panel, lane, rounds: list[Round], right: float
) -> None:
    """Each lane shaded by its process's round, with the round written where it starts."""
    cmap = matplotlib.colormaps["Blues"]
    span = max(len(rounds) - 1, 1)
    init = dict(zip(interp.procs, interp.initial().locals))
    for p in interp.procs:
        events = [(i + 1, s) for i, s in enumerate(panel.steps) if s.proc == p]
        current = interp.round_of(p, events[0][1].pre if events else init[p])
        segments: list[tuple[float, Round]] = [(0.3, current)]
        for x, s in events:
            post = interp.round_of(p, s.post)
            if post != current:
                current = post
                segments.append((x, post))
        ends = [x for x, _ in segments[1:]] + [right - 0.05]
        for j, ((x0, r), x1) in enumerate(zip(segments, ends)):
            shade = cmap(0.12 + 0.4 * rounds.index(r) / span)
            ax.add_patch(
                Rectangle(
                    (x0, lane[p] - 0.11),
                    x1 - x0,
                    0.22,
                    facecolor=shade,
                    edgecolor="none",
                    zorder=0.5,
                    gid=f"{panel.key}-round-{p}-{j + 1}",
                )
            )
            ax.text(
                x0 + 0.04,
                lane[p] - 0.13,
                fmt_round(r),
                ha="left",
                va="top",
                fontsize=6,
                color="#4a6a8a",
            )


def _draw_message(interp: Interpreter, ax, panel: Panel, d, lane, valid: int) -> None:
    xs, ys = d.send + 1, lane[d.msg.src]
    text = f"{d.msg.type} {fmt_round(d.msg.tag)}"
    if d.in_flight:
        # Toward the receiver's lane, steeper the farther it is, so that messages sent
        # to several processes by one event fan out.
        dy = lane[d.msg.dst] - ys
        end = (xs + 0.42, ys + (0.3 if dy == 0 else max(min(0.3 * dy, 0.75), -0.75)))
        arrow = FancyArrowPatch(
            (xs, ys),
            end,
            arrowstyle="-|>",
            mutation_scale=8,
            color=GREY,
            lw=0.9,
            ls="--",
            shrinkA=3,
            shrinkB=0,
            zorder=2,
            gid=f"{panel.key}-inflight-{d.number}",
        )
        ax.add_patch(arrow)
        ax.text(
            end[0] + 0.03,
            end[1],
            f"{d.msg.type}\n{fmt_round(d.msg.tag)} to {d.msg.dst}",
            fontsize=5,
            color=GREY,
            ha="left",
            va="center",
            linespacing=1.0,
            zorder=3,
            gid=f"{panel.key}-inflightlabel-{d.number}",
        )
        return
    assert d.recv is not None
    xr, yr = d.recv + 1, lane[d.msg.dst]
    broken = d.backwards or d.recv >= valid or d.send >= valid
    color = GREY if broken else (RED if d.crosses else BLUE)
    conn = "arc3,rad=0.35" if ys == yr else "arc3,rad=0"
    arrow = FancyArrowPatch(
        (xs, ys),
        (xr, yr),
        arrowstyle="-|>",
        mutation_scale=10,
        color=color,
        lw=1.6 if d.crosses else 1.0,
        ls="--" if broken else "-",
        shrinkA=4,
        shrinkB=5,
        connectionstyle=conn,
        zorder=3,
        gid=f"{panel.key}-msg-{d.number}",
    )
    ax.add_patch(arrow)
    t = 0.3
    ax.text(
        xs + (xr - xs) * t,
        ys + (yr - ys) * t,
        text,
        fontsize=5.5,
        color=color,
        ha="center",
        va="center",
        zorder=3.5,
        bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none", alpha=0.8),
        gid=f"{panel.key}-msglabel-{d.number}",
    )


def result_title(model_name: str, verdict: str, bound: int) -> str:
    return f"{model_name}: {verdict} (bound {bound})"


__all__ = [
    "FORMATS",
    "Panel",
    "counterexample_panels",
    "draw",
    "result_title",
    "sample_panels",
    "write_diagram",
]
