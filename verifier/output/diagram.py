"""Space-time diagrams of traces (SVG or PNG), drawn with matplotlib.

One horizontal lane per process; events are points on their process's lane, left to right
in trace order, labelled with the edge; messages are arrows from the sending event to the
receiving event (messages still in flight at the end are short dashed arrows).  Each lane
is shaded by its process's round (darker = later round); in a round-grouped ordering the
groups of equal kappa are vertical bands; in the trace itself, per round, a cut line runs
through the points where the processes enter it (a send that advances the round sits on
the cut), so only a delivery across rounds crosses a cut.  Red marks what breaks
communication closure: a message received outside its receiver's round window (its tag
is below the receiver's round before the event, or above its round after it: it crosses
a round boundary the receiver did not), and an event that breaks a local condition (or,
in a reordering, an event whose kappa lies outside its rounds).

A figure has one or two panels, one above the other: the trace, and its reordering by kappa (the
best round-grouped attempt for a counterexample, the grouped equivalent for a closed
protocol).  Every drawn element has a stable SVG id ``<panel>-<kind>-<name>``, where panel
is ``trace`` or ``grouped``: ``trace-lane-P[0]``, ``trace-event-3`` (event number 3 of the
trace, in both panels), ``trace-msg-2`` (a delivered message, numbered in the trace's
sending order, in both panels), ``trace-inflight-4`` (a message in flight at the end),
``trace-cut-1`` (the cut of the first round entered), ``grouped-group-1`` (the first band
of equal kappa), ``trace-round-P[0]-1`` (the first round segment of a lane); events,
messages and cuts carry an SVG ``<title>`` (hover text).  Tests and other tools can rely
on them.  Labels are placed greedily so that they do not overlap (:class:`_Placer`); all
text is at least 9 pt at the figure's size.

matplotlib is imported when this module is, so the CLI imports this module only when a
diagram is asked for.
"""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle

from dsl.errors import UsageError
from verifier.core.files import atomic_write
from verifier.core.result import Violation
from verifier.core.runtime import Round, Step, Trace
from verifier.output.explain import Reordering, deliveries, inversions, reorder
from verifier.output.render import changed_vars, edge_location, event_label, format_message
from verifier.semantics.conditions import fmt_round
from verifier.semantics.interp import Interpreter

FORMATS = (".svg", ".png")
RED = "#c62828"
BLUE = "#1f5fa8"
GREY = "#8a8a8a"
INK = "#222222"
CUT = "#2e7d32"  # cut lines: green, distinct from the blue messages and red faults


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
    """Draw ``panels`` one above the other and save them to ``path`` (``.svg`` or ``.png``,
    200 dpi); an SVG gets a ``<title>`` (hover text) on every event and message."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"--diagram: cannot write {path.name!r}; use a .svg or .png file")
    with matplotlib.rc_context(
        {"svg.hashsalt": "ccverify", "svg.fonttype": "none", "font.size": FONT}
    ):
        titles: dict[str, str] = {}
        fig = draw(interp, panels, title, titles)
        meta = {"Date": None} if suffix == ".svg" else {"Software": "ccverify"}
        buf = io.BytesIO()
        # PNG at 200 dpi: sharp when a page or the README scales it down.
        fig.savefig(buf, format=suffix[1:], metadata=meta, dpi=200)
    data = buf.getvalue()
    if suffix == ".svg":
        data = add_svg_titles(data.decode("utf-8"), titles).encode("utf-8")
    try:
        atomic_write(str(path), data)
    except OSError as err:
        raise UsageError(f"--diagram: cannot write {path}: {err.strerror}") from None


def add_svg_titles(svg: str, titles: dict[str, str]) -> str:
    """Insert ``<title>text</title>`` as the first child of each element ``id``."""

    def put(m: re.Match) -> str:
        text = titles.get(m[2])
        return m[0] if text is None else f"{m[0]}\n   <title>{escape(text)}</title>"

    return re.sub(r'<(g|path|use) id="([^"]+)"[^>]*?(?<!/)>', put, svg)


# Sizes in inches and points.  The figure is about as wide as a README column (at most
# ~9 in for short traces), so the fonts stay at least 9 pt where the README shows it.
FONT = 10
SMALL = 9
EVENT_SPACING = (0.62, 1.15)  # inches between events: min, max
LANE_GAP = 1.05  # inches between lanes
MARGIN = 1.3  # inches for the lane names on the left and the legend on the right


def _spacing(n: int, longest: int = 0) -> float:
    """Inches between events: room for the longest label (in characters) when the trace
    is short, scaled down (to a minimum) as it grows so the figure stays page-wide."""
    want = max(EVENT_SPACING[1], 0.62 * _text_width(longest, SMALL))
    fit = 8.0 / max(n, 1)
    return max(EVENT_SPACING[0], min(want, max(fit, EVENT_SPACING[1] if n <= 6 else 0)))


def _text_width(chars: int, size: float) -> float:
    """Estimated width in inches of ``chars`` characters at ``size`` points."""
    return chars * 0.6 * size / 72


class _Placer:
    """Greedy label placement without overlaps: each label takes the first of its
    candidate positions whose box (estimated, in inches) meets no box placed before."""

    def __init__(self, sx: float, sy: float):
        self.sx, self.sy = sx, sy  # inches per data unit
        self.boxes: list[tuple[float, float, float, float]] = []

    def box(self, x: float, y: float, text: str, size: float, ha: str, va: str):
        lines = text.split("\n")
        w = _text_width(max(len(ln) for ln in lines), size) + 0.04
        h = len(lines) * size * 1.25 / 72 + 0.02
        x0 = x * self.sx - {"left": 0, "center": w / 2, "right": w}[ha]
        y0 = y * self.sy - {"bottom": 0, "center": h / 2, "top": h}[va]
        return (x0, y0, x0 + w, y0 + h)

    def take(self, candidates, text: str, size: float, ha: str, va: str):
        """The first free candidate ``(x, y)`` (else the one overlapping least), now
        occupied."""
        boxes = [self.box(x, y, text, size, ha, va) for x, y in candidates]
        costs = [sum(_overlap(b, o) for o in self.boxes) for b in boxes]
        best = next((k for k, c in enumerate(costs) if c == 0), costs.index(min(costs)))
        self.boxes.append(boxes[best])
        return candidates[best]

    def block(self, x: float, y: float, text: str, size: float, ha: str, va: str) -> None:
        self.boxes.append(self.box(x, y, text, size, ha, va))


def _overlap(a, b) -> float:
    """The area two boxes share (square inches)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def draw(
    interp: Interpreter, panels: list[Panel], title: str, titles: dict[str, str] | None = None
) -> Figure:
    """The matplotlib figure of ``panels``, one above the other, under ``title``; hover
    texts of events and messages are collected in ``titles`` (by SVG id)."""
    titles = {} if titles is None else titles
    nprocs = len(interp.procs)
    rounds = sorted(
        {interp.round_of(s.proc, x) for p in panels for s in p.steps for x in (s.pre, s.post)}
        | {interp.round_of(q, loc) for q, loc in zip(interp.procs, interp.initial().locals)}
    )
    n = max(max(len(p.steps) for p in panels), 2)
    longest = max(
        [len(_edge_label(interp, st)) for p in panels for st in p.steps]
        + [len(m.type) + 2 for p in panels for st in p.steps for m in st.sent]
    )
    spacing = _spacing(n, longest)
    width = n * spacing + MARGIN + 0.5
    heights = [0.95 + LANE_GAP * nprocs + (0.35 if p.kappas else 0) for p in panels]
    fig = Figure(figsize=(width, sum(heights) + 1.3), layout="constrained")
    fig.suptitle(_wrap(title, width, 12), fontsize=12, fontweight="bold")
    axes = fig.subplots(len(panels), 1, height_ratios=heights, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels):
        _draw_panel(interp, ax, panel, rounds, width, n, spacing, titles)
    fig.legend(
        handles=_legend(any(p.kappas for p in panels), any(p.key == "trace" for p in panels)),
        loc="outside lower center",
        ncol=2 if width < 9 else 3,
        fontsize=SMALL,
        frameon=False,
    ).set_gid("legend")
    return fig


def _wrap(text: str, width_in: float, size: float) -> str:
    chars = max(int((width_in - 0.6) * 72 / (0.62 * size)), 30)
    return "\n".join(textwrap.wrap(text, chars))


def _legend(kappa: bool, cuts: bool) -> list:
    cmap = matplotlib.colormaps["Blues"]
    handles: list = [
        Line2D([], [], color=BLUE, marker=">", markersize=6, label="message (type, tag)"),
        Line2D([], [], color=RED, marker=">", markersize=6, lw=1.8,
               label="received outside its round window"),
        Line2D([], [], color=GREY, ls="--", label="in flight at the end"),
        Line2D([], [], color=RED, marker="o", ls="", label="event breaking a condition"),
        Line2D([], [], color=GREY, marker="o", ls="", markerfacecolor="white",
               label="event that does not replay"),
        Patch(facecolor=cmap(0.3), edgecolor="none",
              label="lane shade: round (darker = later)"),
    ]  # fmt: skip
    if cuts:
        handles.append(
            Line2D([], [], color=CUT, ls=(0, (4, 2)), lw=1.4,
                   label="cut: where processes enter a round")
        )  # fmt: skip
    if kappa:
        handles.append(
            Patch(facecolor="#e9e9e9", edgecolor="none",
                  label="band of equal κ (grouped order)")
        )  # fmt: skip
    return handles


def _lane_y(interp: Interpreter, nprocs: int):
    return {p: nprocs - 1 - i for i, p in enumerate(interp.procs)}


def _draw_panel(
    interp: Interpreter,
    ax,
    panel: Panel,
    rounds: list[Round],
    width: float,
    slots: int,
    spacing: float,
    titles: dict[str, str],
) -> None:
    n = len(panel.steps)
    nprocs = len(interp.procs)
    lane = _lane_y(interp, nprocs)
    right = slots + 0.9
    ax.set_xlim(0.2, right)
    ax.set_ylim(-0.8, nprocs - 0.25 + (0.4 if panel.kappas else 0))
    ax.set_yticks([lane[p] for p in interp.procs], [str(p) for p in interp.procs])
    ax.set_xticks(range(1, n + 1), [f"#{k + 1}" for k in panel.order])
    ax.tick_params(length=0, labelsize=FONT)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    xlabel = (
        "events in trace order (asynchronous)"
        if panel.kappas is None
        else "events (original numbers) sorted by κ"
    )
    note = inflight_note(interp, panel)
    ax.set_xlabel(xlabel + ("\n" + _wrap(note, width, SMALL) if note else ""), fontsize=SMALL)
    ax.set_title(_wrap(panel.title, width, 10.5), fontsize=10.5, loc="left")
    if panel.kappas:
        _draw_groups(ax, panel, nprocs)
    _draw_rounds(interp, ax, panel, lane, rounds, right)
    if panel.kappas is None:
        _draw_cuts(interp, ax, panel, lane, rounds, right, titles)
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
    place = _Placer(spacing, LANE_GAP)
    for i, step in enumerate(panel.steps):  # the points and round labels are obstacles
        place.block(i + 1, lane[step.proc], "o", 14, "center", "center")
    for p in interp.procs:
        for x0, _, r in _round_segments(interp, panel, p, right):
            place.block(x0 + 0.05, lane[p] - 0.14, fmt_round(r), SMALL, "left", "top")
        place.boxes.append((0.3 * spacing, (lane[p] - 0.11) * LANE_GAP, right * spacing,
                            (lane[p] + 0.11) * LANE_GAP))  # the lane itself  # fmt: skip
    for i, step in enumerate(panel.steps):
        x, y = i + 1, lane[step.proc]
        red = i in panel.offending
        if i < valid:
            style = dict(color=RED if red else INK, markersize=8)
        else:
            style = dict(color=RED if red else GREY, markersize=8, markerfacecolor="white")
        number = panel.order[i] + 1
        gid = f"{panel.key}-event-{number}"
        ax.plot([x], [y], marker="o", ls="", zorder=4, gid=gid, **style)
        titles[gid] = _event_title(interp, number, step, red, i >= valid)
        label = _edge_label(interp, step)
        lx, ly = place.take(
            [(x, y + 0.15 + 0.2 * row) for row in range(3)], label, SMALL, "center", "bottom"
        )
        ax.text(
            lx,
            ly,
            label,
            ha="center",
            va="bottom",
            fontsize=SMALL,
            color=RED if red else INK,
            zorder=5,
            gid=f"{panel.key}-label-{number}",
        )
    inflight: dict[int, list] = {}
    for d in deliveries(interp, panel.steps, panel.order):
        if d.in_flight:
            inflight.setdefault(d.send, []).append(d)
        else:
            _draw_message(interp, ax, panel, d, lane, valid, titles, place)
    for send, ds in inflight.items():
        _draw_inflight(interp, ax, panel, send, ds, lane, titles, place)


def _edge_label(interp: Interpreter, step: Step) -> str:
    return event_label(interp, step, names=False)


def _event_title(interp: Interpreter, number: int, step: Step, red: bool, hollow: bool) -> str:
    pre = interp.round_of(step.proc, step.pre)
    post = interp.round_of(step.proc, step.post)
    rounds = fmt_round(pre) if pre == post else f"{fmt_round(pre)} -> {fmt_round(post)}"
    parts = [f"#{number} {step.proc} {_edge_label(interp, step)}, round {rounds}"]
    if step.consumed is not None:
        parts.append("received " + format_message(interp, step.consumed, direction="from"))
    parts += [f"{n}: {a} -> {b}" for n, a, b in changed_vars(interp, step)]
    parts += ["sent " + format_message(interp, m) for m in step.sent]
    parts.append(edge_location(interp, step))
    if red:
        parts.append("breaks communication closure here")
    if hollow:
        parts.append("does not replay in this order")
    return "; ".join(parts)


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
            color="#e9e9e9" if j % 2 == 0 else "#f6f6f6",
            zorder=0,
            gid=f"{panel.key}-group-{j + 1}",
        )
        if j:
            ax.axvline(a + 0.5, color=GREY, ls=":", lw=0.8, zorder=0)
        ax.text(
            (a + b) / 2 + 1,
            nprocs - 0.3,
            f"κ = {fmt_round(k)}",
            ha="center",
            va="bottom",
            fontsize=SMALL,
            color="#444444",
        )


def _round_segments(interp: Interpreter, panel: Panel, p, right: float):
    """``(x0, x1, round)`` along the lane of ``p``: the initial round from the start, then a
    change at each event that changes it (in an order that does not replay, an event whose
    recorded pre-round differs from the lane's is shown from just before it)."""
    current = interp.round_of(p, interp.initial().locals[interp.procs.index(p)])
    segments: list[tuple[float, Round]] = [(0.3, current)]
    for i, s in enumerate(panel.steps):
        if s.proc != p:
            continue
        pre, post = interp.round_of(p, s.pre), interp.round_of(p, s.post)
        if pre != current:
            segments.append((i + 1 - 0.35, pre))
        if post != pre:
            segments.append((i + 1, post))
        current = post
    ends = [x for x, _ in segments[1:]] + [right - 0.05]
    return [(x0, x1, r) for (x0, r), x1 in zip(segments, ends)]


def _draw_rounds(
    interp: Interpreter, ax, panel: Panel, lane, rounds: list[Round], right: float
) -> None:
    """Each lane shaded by its process's round, with the round written where it starts."""
    cmap = matplotlib.colormaps["Blues"]
    span = max(len(rounds) - 1, 1)
    for p in interp.procs:
        for j, (x0, x1, r) in enumerate(_round_segments(interp, panel, p, right)):
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
                x0 + 0.05,
                lane[p] - 0.14,
                fmt_round(r),
                ha="left",
                va="top",
                fontsize=SMALL,
                color="#3d5f82",
            )


def enter_points(interp: Interpreter, steps: tuple[Step, ...], r: Round, right: float) -> dict:
    """Where each process enters round ``r`` or later along ``steps``: the x (1-based
    event position) of the event that takes it there, 0.45 if it starts there, ``right``
    if it never gets there."""
    out = {}
    init = dict(zip(interp.procs, interp.initial().locals))
    for p in interp.procs:
        if interp.round_of(p, init[p]) >= r:
            out[p] = 0.45
            continue
        out[p] = right
        for i, s in enumerate(steps):
            if s.proc == p and interp.round_of(p, s.post) >= r:
                out[p] = float(i + 1)
                break
    return out


def _draw_cuts(
    interp: Interpreter, ax, panel: Panel, lane, rounds: list[Round], right: float, titles
) -> None:
    """Per round entered in the trace, the cut through the events where the processes
    enter it: a message sent in round r and received in round r never crosses the cut of
    a later round; a stale delivery ends beyond its receiver's next cut."""
    entered = sorted(
        {interp.round_of(s.proc, s.post) for s in panel.steps}
        - {interp.round_of(q, loc) for q, loc in zip(interp.procs, interp.initial().locals)}
    )
    labels: list[tuple[float, int]] = []  # (x, row) of the cut labels so far
    for k, r in enumerate(entered, start=1):
        where = enter_points(interp, panel.steps, r, right - 0.05)
        # Straight from lane to lane (vertical only above the top lane and below the
        # bottom one): between two lanes a message and the cut are both straight, so a
        # message sent and received before the cut never meets it.
        procs = list(interp.procs)  # top lane first
        xs = [where[procs[0]]] + [where[p] for p in procs] + [where[procs[-1]]]
        ys = [lane[procs[0]] + 0.42] + [lane[p] for p in procs] + [lane[procs[-1]] - 0.42]
        gid = f"{panel.key}-cut-{k}"
        ax.plot(
            xs, ys, color=CUT, ls=(0, (4, 2)), lw=1.4, zorder=2.5, gid=gid,
            marker="|", markevery=list(range(1, len(procs) + 1)), markersize=16,
        )  # fmt: skip
        titles[gid] = f"cut of round {fmt_round(r)}: each process enters round {fmt_round(r)} here"
        # Cuts entered close together: their labels go one above the other.
        row = next(
            j
            for j in range(len(labels) + 1)
            if all(abs(x - xs[0]) > 0.9 or rj != j for x, rj in labels)
        )
        labels.append((xs[0], row))
        ax.text(
            xs[0],
            ys[0] + 0.02 + 0.2 * row,
            fmt_round(r),
            ha="center",
            va="bottom",
            fontsize=SMALL,
            color=CUT,
            fontweight="bold",
        )


def _draw_message(
    interp: Interpreter, ax, panel: Panel, d, lane, valid: int, titles, place: _Placer
) -> None:
    xs, ys = d.send + 1, lane[d.msg.src]
    assert d.recv is not None
    xr, yr = d.recv + 1, lane[d.msg.dst]
    broken = d.backwards or d.recv >= valid or d.send >= valid
    color = GREY if broken else (RED if d.crosses else BLUE)
    conn = "arc3,rad=0.35" if ys == yr else "arc3,rad=0"
    gid = f"{panel.key}-msg-{d.number}"
    arrow = FancyArrowPatch(
        (xs, ys),
        (xr, yr),
        arrowstyle="-|>",
        mutation_scale=12,
        color=color,
        lw=1.8 if d.crosses else 1.1,
        ls="--" if broken else "-",
        shrinkA=5,
        shrinkB=6,
        connectionstyle=conn,
        zorder=3,
        gid=gid,
    )
    ax.add_patch(arrow)
    what = format_message(interp, d.msg)
    sent_by = panel.order[d.send] + 1
    recv_by = panel.order[d.recv] + 1
    titles[gid] = f"{what}, sent by #{sent_by}, received by #{recv_by}" + (
        "; received outside its receiver's round window" if d.crosses else ""
    )
    text = f"{d.msg.type} {fmt_round(d.msg.tag)}"
    lift = 0.3 if ys == yr else 0  # an arc between two events of one lane bulges up
    lx, ly = place.take(
        [(xs + (xr - xs) * t, ys + (yr - ys) * t + lift) for t in (0.5, 0.3, 0.7, 0.2, 0.8)],
        text,
        SMALL,
        "center",
        "center",
    )
    ax.text(
        lx,
        ly,
        text,
        fontsize=SMALL,
        color=color,
        ha="center",
        va="center",
        zorder=3.5,
        bbox=dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="none", alpha=0.85),
        gid=f"{panel.key}-msglabel-{d.number}",
    )


def _draw_inflight(
    interp: Interpreter, ax, panel: Panel, send: int, ds, lane, titles, place: _Placer
) -> None:
    """The messages one event sent that are still in flight: short dashed arrows toward
    their receivers, and one label for all of them."""
    xs, ys = send + 1, lane[ds[0].msg.src]
    for d in ds:
        dy = lane[d.msg.dst] - ys
        end = (xs + 0.38, ys + (-0.3 if dy == 0 else max(min(0.3 * dy, 0.6), -0.6)))
        gid = f"{panel.key}-inflight-{d.number}"
        ax.add_patch(
            FancyArrowPatch(
                (xs, ys),
                end,
                arrowstyle="-|>",
                mutation_scale=9,
                color=GREY,
                lw=1.0,
                ls="--",
                shrinkA=4,
                shrinkB=0,
                zorder=2,
                gid=gid,
            )
        )
        titles[gid] = f"{format_message(interp, d.msg)}, still in flight at the end"
    # Only the tags at the tips; the messages are listed under the panel (inflight_note).
    tags = sorted({fmt_round(d.msg.tag) for d in ds})
    lx, ly = place.take(
        [(xs + 0.44, ys - 0.3), (xs + 0.44, ys - 0.62), (xs + 0.44, ys + 0.3)],
        " ".join(tags),
        SMALL,
        "left",
        "center",
    )
    ax.text(
        lx,
        ly,
        " ".join(tags),
        fontsize=SMALL,
        color=GREY,
        ha="left",
        va="center",
        zorder=3,
        gid=f"{panel.key}-inflightlabel-{ds[0].number}",
    )


def inflight_note(interp: Interpreter, panel: Panel) -> str:
    """The messages in flight at the end, by sending event: ``#1 ping (1) to P[1]``."""
    by_event: dict[int, dict[tuple, list[str]]] = {}
    for d in deliveries(interp, panel.steps, panel.order):
        if d.in_flight:
            groups = by_event.setdefault(panel.order[d.send] + 1, {})
            groups.setdefault((d.msg.type, d.msg.tag), []).append(str(d.msg.dst))
    parts = [
        f"#{number} {t} {fmt_round(tag)} to {', '.join(who)}"
        for number, groups in sorted(by_event.items())
        for (t, tag), who in groups.items()
    ]
    return ("in flight at the end: " + "; ".join(parts)) if parts else ""


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
