"""The space-time diagram's structure, as the papers draw it: cut lines that only a real
cross-round delivery crosses, hover titles on every event and message, labels in the
model's syntax, fonts of at least 9 pt, PNG at 200 dpi, a legend, correct initial
shading of a reordering that does not replay."""

from __future__ import annotations

import itertools
import random
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dsl.loader import load_model
from verifier.cli import main
from verifier.output.diagram import (
    _round_segments,
    counterexample_panels,
    enter_points,
    sample_panels,
)
from verifier.output.explain import deliveries, sample_trace
from verifier.semantics.conditions import trace_violations
from verifier.semantics.interp import Interpreter

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def _svg(capsys, tmp_path, *argv) -> ET.Element:
    path = tmp_path / "d.svg"
    main([*argv, "-q", "--diagram", str(path)])
    capsys.readouterr()
    return ET.parse(path).getroot()


def _by_id(root: ET.Element) -> dict[str, ET.Element]:
    return {el.get("id"): el for el in root.iter() if el.get("id")}


def test_cut_lines_titles_fonts_and_legend(capsys, tmp_path):
    root = _svg(capsys, tmp_path, "examples/ping_stale.cc", "-k", "4", "--engine", "explicit")
    ids = _by_id(root)
    assert sorted(i for i in ids if "-cut-" in i) == ["trace-cut-1", "trace-cut-2"]  # (1), (2)
    for gid, el in ids.items():
        if re.fullmatch(r"(trace|grouped)-(event|msg|inflight|cut)-\d+", gid):
            title = el.find(f"{SVG}title")
            assert title is not None and title.text, gid
    assert "late, round (2); received ping(m=1) from P[1] [tag (1)]" in (
        ids["trace-event-4"].find(f"{SVG}title").text
    )
    assert "ping_stale.cc:65:3" in ids["trace-event-4"].find(f"{SVG}title").text
    text = ET.tostring(root, encoding="unicode")
    assert "frozenset" not in text and "Step(" not in text  # no Python reprs
    sizes = [float(x) for x in re.findall(r"font-size: ([0-9.]+)px", text)]
    assert sizes and min(sizes) >= 9  # user units are points (the SVG is sized in pt)
    assert root.get("width").endswith("pt") and float(root.get("width")[:-2]) <= 9.5 * 72
    legend = ET.tostring(ids["legend"], encoding="unicode")
    assert "cut" in legend and "κ" in legend and "round" in legend


def test_png_is_200_dpi(capsys, tmp_path):
    png = tmp_path / "d.png"
    main(["examples/ping_stale.cc", "-k", "4", "-q", "--diagram", str(png)])
    data = png.read_bytes()
    at = data.index(b"pHYs")
    ppm_x, ppm_y, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
    assert unit == 1 and min(ppm_x, ppm_y) / 39.3701 >= 199.5


def _crosses(p0, p1, q0, q1) -> bool:
    """Whether segments p0p1 and q0q1 properly intersect."""

    def orient(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (v > 1e-9) - (v < -1e-9)

    return (
        orient(p0, p1, q0) * orient(p0, p1, q1) < 0 and orient(q0, q1, p0) * orient(q0, q1, p1) < 0
    )


def _cut_crossings(interp, trace) -> dict[int, int]:
    """Per delivered message (number), how many cut segments its straight arrow crosses;
    two lanes, as in the ping models (lane y: P[0] 1, P[1] 0)."""
    lane = {p: len(interp.procs) - 1 - i for i, p in enumerate(interp.procs)}
    right = len(trace) + 0.85
    init = {interp.round_of(q, loc) for q, loc in zip(interp.procs, interp.initial().locals)}
    rounds = sorted({interp.round_of(s.proc, s.post) for s in trace.steps} - init)
    cuts = []
    for r in rounds:
        where = enter_points(interp, trace.steps, r, right)
        pts = [(where[p], lane[p]) for p in interp.procs]
        cuts += list(itertools.pairwise(pts))
    out = {}
    for d in deliveries(interp, trace.steps):
        if d.recv is None:
            continue
        a = (d.send + 1, lane[d.msg.src])
        b = (d.recv + 1, lane[d.msg.dst])
        out[d.number] = sum(_crosses(a, b, c0, c1) for c0, c1 in cuts)
    return out


@pytest.mark.parametrize(
    "name", ["ping_stale.cc", "ping_closed.cc", "ping_jump.cc", "ping_echo.cc"]
)
def test_only_a_cross_round_delivery_crosses_a_cut(name):
    interp = Interpreter(load_model(str(ROOT / "examples" / name)))
    rng = random.Random(5)
    for _ in range(40):
        steps = interp.random_walk(rng, rng.randrange(2, 8))
        if not steps:
            continue
        trace = interp.replay(tuple(steps))
        crossing = _cut_crossings(interp, trace)
        for d in deliveries(interp, trace.steps):
            if d.recv is not None:
                assert (crossing[d.number] > 0) == d.crosses, (name, d)


def test_a_reordering_that_does_not_replay_starts_each_lane_in_its_initial_round():
    interp = Interpreter(load_model("examples/ping_stale.cc", {"MAXR": 3, "N": 2}))
    rng = random.Random(3)
    init = {q: interp.round_of(q, loc) for q, loc in zip(interp.procs, interp.initial().locals)}
    seen_invalid = False
    for _ in range(60):
        steps = interp.random_walk(rng, 6)
        if not steps:
            continue
        trace = interp.replay(tuple(steps))
        for panel in counterexample_panels(interp, trace, trace_violations(interp, trace)):
            seen_invalid |= panel.valid is not None and panel.valid < len(panel.steps)
            for p in interp.procs:
                assert _round_segments(interp, panel, p, 10)[0][2] == init[p]
    assert seen_invalid  # the property was exercised on a reordering that does not replay


def test_a_closed_sample_has_cuts_and_bands(capsys, tmp_path):
    interp = Interpreter(load_model("examples/ping_closed.cc"))
    trace = sample_trace(interp, 5, seed=0)
    assert all(v == 0 for v in _cut_crossings(interp, trace).values())
    panels = sample_panels(interp, trace, 0)
    assert [p.key for p in panels] == ["trace", "grouped"]
    root = _svg(capsys, tmp_path, "explain", "examples/ping_closed.cc", "-k", "5")
    ids = _by_id(root)
    assert any(i.startswith("trace-cut-") for i in ids)
    assert not any(i.startswith("grouped-cut-") for i in ids)
    assert sum(i.startswith("grouped-group-") for i in ids) >= 2
