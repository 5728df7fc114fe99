"""Output for people and for other tools: terminal text (golden files), SMT-LIB dumps
(replayed with z3 and cvc5), and space-time diagrams (SVG structure).  ITF traces are
tested in tests/test_itf.py.

Golden files live in tests/golden/; regenerate them with
``CCVERIFY_UPDATE_GOLDEN=1 python -m pytest tests/test_output.py`` and review the diff.
"""

from __future__ import annotations

import io
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dsl.loader import load_model
from verifier.cli import main
from verifier.core.result import CheckOptions, Engine
from verifier.output.explain import deliveries, inversions, reorder, sample_trace
from verifier.output.terminal import make_console, use_color
from verifier.semantics.conditions import reorder_by_kappa, trace_violations
from verifier.semantics.interp import Interpreter

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("CCVERIFY_UPDATE_GOLDEN") == "1"


@pytest.fixture(autouse=True)
def plain_env(monkeypatch):
    """Run from the repository root with a fixed width and no colour forcing."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("TERM", "xterm")  # a colour terminal, for the tests that fake one
    for var in ("NO_COLOR", "FORCE_COLOR", "COLORTERM"):
        monkeypatch.delenv(var, raising=False)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def normalize(text: str) -> str:
    """Strip what varies between runs and machines: paths and timings."""
    text = text.replace(str(ROOT) + os.sep, "")
    return re.sub(r"\d+\.\d+ s\b", "T s", text)


# ---------------------------------------------------------------------------- golden text

GOLDEN_CASES = {
    "check_ping_stale": ["examples/ping_stale.cc", "--bound", "4", "--engine", "explicit"],
    "check_ping_stale_full": [
        "check",
        "examples/ping_stale.cc",
        "--bound",
        "4",
        "--engine",
        "explicit",
        "--full",
    ],
    "check_ping_closed": ["examples/ping_closed.cc", "--bound", "4"],
    "check_ping_echo": [
        "examples/ping_echo.cc",
        "--bound",
        "3",
        "--engine",
        "explicit",
        "--no-one-step",
    ],
    "explain_ping_closed": ["explain", "examples/ping_closed.cc", "--bound", "5"],
    "explain_ping_stale": [
        "explain",
        "examples/ping_stale.cc",
        "--bound",
        "4",
        "--engine",
        "explicit",
    ],
}


# The README's first command (raft, bound 6; the explicit engine here, for speed) and
# others at 80 columns: the narrow layout (docs/output.md "Terminal text").
GOLDEN_CASES |= {
    "check_raft_120": ["examples/raft.cc", "--bound", "6", "--engine", "explicit"],
    "check_raft_80": ["examples/raft.cc", "--bound", "6", "--engine", "explicit"],
    "check_ping_stale_80": GOLDEN_CASES["check_ping_stale"],
    "explain_ping_stale_80": GOLDEN_CASES["explain_ping_stale"],
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_text(name, capsys, monkeypatch):
    width = 80 if name.endswith("_80") else 120
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, _ = run_cli(capsys, *GOLDEN_CASES[name], "--quiet")
    assert all(len(line) <= width for line in out.splitlines())
    assert code in (0, 10)
    assert "\x1b[" not in out, "no escape sequences when stdout is not a terminal"
    assert all(line == line.rstrip() for line in out.splitlines())
    text = normalize(out)
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"missing {path}; run with CCVERIFY_UPDATE_GOLDEN=1"
    assert text == path.read_text()


def test_text_marks_rounds_and_the_offending_event(capsys):
    _, out, _ = run_cli(
        capsys, "examples/ping_stale.cc", "--bound", "4", "--engine", "explicit", "-q"
    )
    assert "ping_stale: not closed" in out
    assert "(1) -> (2)" in out  # a round change
    assert "!! breaks 'receive'" in out
    assert "No round-grouped trace of at most 4 events" in out


def test_changed_variables_only_unless_full(capsys):
    _, short, _ = run_cli(capsys, "examples/ping_stale.cc", "-k", "4", "--engine", "explicit", "-q")
    _, full, _ = run_cli(
        capsys, "examples/ping_stale.cc", "-k", "4", "--engine", "explicit", "-q", "--full"
    )
    assert "c = 0" not in short and "c = 0" in full  # an unchanged variable


def test_json_stays_one_object_with_exports(capsys, tmp_path):
    code, out, _ = run_cli(
        capsys,
        "examples/ping_stale.cc",
        "-k",
        "4",
        "--json",
        "--diagram",
        str(tmp_path / "d.svg"),
        "--itf",
        str(tmp_path / "t.itf.json"),
    )
    assert code == 10
    data = json.loads(out)
    assert data["verdict"] == "not closed" and len(data["trace"]) == 4
    assert (tmp_path / "d.svg").exists() and (tmp_path / "t.itf.json").exists()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_its_real_width_with_or_without_colour(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # what rich reads as the terminal's width
    for no_color in (False, True):
        assert make_console(_Tty(), no_color=no_color).width == 80
    monkeypatch.setenv("NO_COLOR", "1")
    assert make_console(_Tty()).width == 80
    monkeypatch.delenv("COLUMNS")
    assert make_console(io.StringIO()).width == 120  # not a terminal: PLAIN_WIDTH


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch, capsys):
    assert use_color(_Tty()) and not use_color(io.StringIO())
    assert not use_color(_Tty(), no_color=True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(_Tty())
    assert make_console(_Tty()).color_system is None
    monkeypatch.delenv("NO_COLOR")
    from verifier.engines.dispatch import run_check
    from verifier.output.terminal import banner, emit

    model = load_model("examples/ping_stale.cc", {})
    result = run_check(model, CheckOptions(bound=4, engine=Engine.EXPLICIT))
    tty = _Tty()
    emit(make_console(tty), [banner(model.name, result)])
    assert "\x1b[" in tty.getvalue() and "not closed" in tty.getvalue()
    plain = _Tty()
    emit(make_console(plain, no_color=True), [banner(model.name, result)])
    assert "\x1b[" not in plain.getvalue() and "not closed" in plain.getvalue()


# ---------------------------------------------------------------------------- reordering


def _walk(interp, picks):
    """Drive the interpreter: each pick is (process, edge, received tag or None)."""
    state, steps = interp.initial(), []
    for proc, edge, tag in picks:
        for step, post in interp.successors(state):
            if (str(step.proc), step.edge) == (proc, edge) and (
                tag is None or (step.consumed is not None and step.consumed.tag == (tag,))
            ):
                steps.append(step)
                state = post
                break
        else:
            raise AssertionError(f"no event {proc} {edge} {tag}")
    return interp.replay(tuple(steps))


def test_deliveries_match_sends_and_receives():
    interp = Interpreter(load_model("examples/ping_stale.cc", {}))
    trace = _walk(
        interp,
        [
            ("P[1]", "tick", None),
            ("P[0]", "tick", None),
            ("P[0]", "tick", None),
            ("P[0]", "late", 1),
        ],
    )
    ds = deliveries(interp, trace.steps)
    assert [(d.number, d.send, d.recv) for d in ds] == [(1, 0, 3), (2, 1, None), (3, 2, None)]
    assert ds[0].crosses and not ds[0].backwards and ds[1].in_flight


def test_reordering_of_a_counterexample_replays_but_is_not_grouped():
    interp = Interpreter(load_model("examples/ping_stale.cc", {}))
    trace = _walk(
        interp,
        [
            ("P[1]", "tick", None),
            ("P[0]", "tick", None),
            ("P[0]", "tick", None),
            ("P[0]", "late", 1),
        ],
    )
    r = reorder(interp, trace)
    assert r.steps == reorder_by_kappa(interp, trace)
    assert r.valid and r.equivalent and not r.grouped and r.misfits == (3,)
    assert "NOT equivalent" in r.summary(interp) and "event #4" in r.summary(interp)


def test_reordering_that_does_not_replay_reports_the_prefix():
    interp = Interpreter(load_model("examples/ping_stale.cc", {"MAXR": 3, "N": 2}))
    trace = _walk(
        interp,
        [
            ("P[1]", "tick", None),
            ("P[0]", "tick", None),
            ("P[0]", "tick", None),
            ("P[0]", "tick", None),
            ("P[0]", "late", 1),
        ],
    )
    r = reorder(interp, trace)
    # The late receive (kappa (1)) moves before P[0]'s tick from (2) to (3): its recorded
    # pre-state no longer matches, so only the events before it replay.
    assert r.order == (0, 1, 2, 4, 3)
    assert not r.valid and r.replayed == 3 and not r.equivalent
    assert "only the first 3 of 5 events replay (the next, event #5" in r.summary(interp)


def test_sample_trace_of_a_closed_protocol_is_worth_reordering():
    interp = Interpreter(load_model("examples/ping_closed.cc", {}))
    trace = sample_trace(interp, 6, seed=0)
    assert trace is not None and len(trace) == 6
    assert not trace_violations(interp, trace)
    assert inversions(interp, trace.steps) > 0
    r = reorder(interp, trace)
    assert r.moved and r.valid and r.grouped and r.equivalent
    assert sample_trace(interp, 6, seed=0) == trace  # the seed fixes it


# ---------------------------------------------------------------------------- SMT-LIB


def _z3_answer(path: Path) -> str:
    import z3

    solver = z3.Solver()
    solver.from_file(str(path))
    return str(solver.check())


def _cvc5_answer(path: Path) -> str:
    cvc5 = pytest.importorskip("cvc5")
    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    parser = cvc5.InputParser(solver)
    parser.setFileInput(cvc5.InputLanguage.SMT_LIB_2_6, str(path))
    symbols = parser.getSymbolManager()
    answers = []
    while True:
        cmd = parser.nextCommand()
        if cmd.isNull():
            break
        out = cmd.invoke(solver, symbols).strip()
        if out:
            answers.append(out)
    assert len(answers) == 1, answers
    return answers[0]


def _dump(capsys, tmp_path, *argv) -> list[Path]:
    run_cli(capsys, *argv, "-q", "--smt2", str(tmp_path))
    files = sorted(tmp_path.glob("*.smt2"))
    assert files
    return files


def test_smt2_dumps_are_standalone_and_z3_and_cvc5_agree(capsys, tmp_path):
    from pysmt.environment import Environment
    from pysmt.smtlib.parser import SmtLibParser

    files = _dump(capsys, tmp_path, "examples/ping_stale.cc", "--bound", "4")
    answers = []
    for f in files:
        text = f.read_text()
        assert "(set-logic " in text and text.rstrip().endswith("(check-sat)")
        SmtLibParser(Environment()).get_script(io.StringIO(text))  # pysmt reads it back
        z = _z3_answer(f)
        assert z in ("sat", "unsat")
        assert _cvc5_answer(f) == z, f.name
        answers.append((f.name.split("-", 1)[1], z))
    # The engine's story: the one-step proof fails (sat), suspicious traces are found,
    # and the last query confirms the counterexample (no grouped trace: unsat).
    assert answers[0] == ("one-step.smt2", "sat")
    assert answers[-1] == ("grouped.smt2", "unsat")
    assert ("suspicious.smt2", "sat") in answers


def test_smt2_dumps_of_a_closed_check_agree(capsys, tmp_path):
    files = _dump(capsys, tmp_path, "examples/ping_echo.cc", "--bound", "3")
    answers = {f.name: _z3_answer(f) for f in files}
    for f in files:
        assert _cvc5_answer(f) == answers[f.name], f.name
    # Closed up to bound 3 (not for all bounds): the one-step proof fails (sat) and the
    # last query, a search for a suspicious trace of 3 events, finds none (unsat).
    assert answers[files[0].name] == "sat" and files[0].name.endswith("one-step.smt2")
    assert files[-1].name.endswith("suspicious.smt2") and answers[files[-1].name] == "unsat"


# ---------------------------------------------------------------------------- diagrams


def _ids(svg: Path) -> list[str]:
    return [el.get("id") for el in ET.parse(svg).iter() if el.get("id")]


def _count(ids: list[str], prefix: str) -> int:
    return sum(1 for i in ids if i.startswith(prefix))


def test_diagram_of_a_counterexample_has_lanes_and_arrows(capsys, tmp_path):
    svg = tmp_path / "cex.svg"
    code, out, err = run_cli(
        capsys,
        "examples/ping_stale.cc",
        "-k",
        "4",
        "--engine",
        "explicit",
        "--json",
        "--diagram",
        str(svg),
    )
    assert code == 10 and "diagram written" in err
    trace = json.loads(out)["trace"]
    ids = _ids(svg)
    sent = sum(len(e["sent"]) for e in trace)
    received = sum(1 for e in trace if e["received"])
    for panel in ("trace", "grouped"):
        assert sorted(i for i in ids if i.startswith(f"{panel}-lane-")) == [
            f"{panel}-lane-P[0]",
            f"{panel}-lane-P[1]",
        ]
        assert _count(ids, f"{panel}-event-") == len(trace)
        assert _count(ids, f"{panel}-msg-") == received
        assert _count(ids, f"{panel}-inflight-") == sent - received
    assert _count(ids, "grouped-group-") == 2  # kappa (0) and (1)
    # The stale receive is drawn red, as is the message it receives.
    root = ET.parse(svg).getroot()
    red = {
        el.get("id")
        for el in root.iter()
        if el.get("id") and "#c62828" in ET.tostring(el, encoding="unicode")
    }
    assert "trace-event-4" in red and "trace-event-1" not in red
    assert any(i.startswith("trace-msg-") for i in red)


def test_diagram_of_a_closed_protocol_shows_a_sample_and_its_reordering(capsys, tmp_path):
    svg = tmp_path / "sample.svg"
    code, _, _ = run_cli(
        capsys, "explain", "examples/ping_closed.cc", "-k", "5", "-q", "--diagram", str(svg)
    )
    assert code == 0
    ids = _ids(svg)
    interp = Interpreter(load_model("examples/ping_closed.cc", {}))
    trace = sample_trace(interp, 5, seed=0)
    ds = deliveries(interp, trace.steps)
    delivered = sum(1 for d in ds if not d.in_flight)
    assert _count(ids, "trace-lane-") == _count(ids, "grouped-lane-") == 2
    assert _count(ids, "trace-msg-") == _count(ids, "grouped-msg-") == delivered
    assert _count(ids, "grouped-group-") >= 2


def test_diagram_as_png_and_bad_suffix(capsys, tmp_path):
    png = tmp_path / "d.png"
    code, _, _ = run_cli(capsys, "examples/ping_stale.cc", "-k", "4", "-q", "--diagram", str(png))
    assert code == 10 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, _, err = run_cli(
        capsys, "examples/ping_stale.cc", "-k", "4", "-q", "--diagram", str(tmp_path / "d.pdf")
    )
    assert code == 2 and ".svg or .png" in err


def test_matplotlib_is_imported_only_for_diagrams():
    import subprocess
    import sys

    code = (
        "import sys; from verifier.cli import main; "
        "rc = main(['examples/ping_stale.cc', '-k', '4', '-q', '--engine', 'explicit']); "
        "print(rc, 'matplotlib' in sys.modules)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert r.stdout.strip().splitlines()[-1] == "10 False", r.stderr


def test_unknown_verdict_is_shown_with_its_reason():
    from verifier.core.result import CheckResult, Verdict
    from verifier.output.terminal import emit, result_view

    interp = Interpreter(load_model("examples/ping_stale.cc", {}))
    result = CheckResult(
        Verdict.UNKNOWN,
        4,
        4,
        Engine.SMT,
        "z3",
        reason="time limit reached during the suspicious query at depth 3",
        interp=interp,
    )
    out = io.StringIO()
    emit(make_console(out), result_view(result))
    text = out.getvalue()
    assert "ping_stale: unknown" in text and "time limit reached" in text
    tty = _Tty()
    emit(make_console(tty), result_view(result))
    assert "\x1b[1;33munknown" in tty.getvalue()  # yellow on a terminal


@pytest.mark.parametrize(
    "verdict, sgr",
    [("CLOSED_ALL", "32"), ("CLOSED_BOUNDED", "32"), ("NOT_CLOSED", "31"), ("UNKNOWN", "33")],
)
def test_banner_colours(verdict, sgr):
    from verifier.core.result import CheckResult, Verdict
    from verifier.output.terminal import banner, emit, verdict_text

    result = CheckResult(Verdict[verdict], 4, 4, Engine.SMT, "z3")
    tty = _Tty()
    emit(make_console(tty), [banner("m", result)])
    assert f"\x1b[1;{sgr}m{verdict_text(result)}" in tty.getvalue()


def test_a_legal_jump_is_not_marked_as_crossing_but_a_stale_receive_is():
    """ping_jump: P[1] jumps from round 0 to the round 1 of P[0]'s ping (in its window);
    ping_stale: a round-1 ping counted in round 2 (outside it)."""
    from dsl.loader import load_model
    from verifier.output.explain import deliveries
    from verifier.semantics.interp import Interpreter

    def run(name, order):
        interp = Interpreter(load_model(str(ROOT / "examples" / name)))
        state, steps = interp.initial(), []
        for who, edge in order:
            step, state = next(
                (s, t) for s, t in interp.successors(state) if str(s.proc) == who and s.edge == edge
            )
            steps.append(step)
        return [d.crosses for d in deliveries(interp, tuple(steps)) if d.recv is not None]

    jump = load_model(str(ROOT / "examples" / "ping_jump.cc")).role("P")
    jump_edge = next(e.name for e in jump.edges if e.kind.value == "on" and "jump" in e.name)
    assert run("ping_jump.cc", [("P[0]", "tick"), ("P[1]", jump_edge)]) == [False]
    assert run(
        "ping_stale.cc", [("P[1]", "tick"), ("P[1]", "tick"), ("P[0]", "tick"), ("P[1]", "late")]
    ) == [True]
