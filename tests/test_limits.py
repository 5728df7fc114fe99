"""Limits that hold (issue 14): the regression table of its reproducers.

Every case runs the real command in a subprocess and asserts its exit code, the message
and that no traceback is printed.  Signals are real signals sent to real processes.  The
cases that need more than a few seconds are marked slow; each has a fast sibling here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CCVERIFY = [sys.executable, "-m", "verifier.cli"]
PING = EXAMPLES / "ping_stale.cc"


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*CCVERIFY, *args], capture_output=True, text=True, timeout=timeout)


def variant(tmp_path: Path, name: str, old: str, new: str, base: Path = PING) -> str:
    """``base`` with ``old`` replaced by ``new`` (which must occur), written to tmp_path."""
    text = base.read_text()
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    return str(path)


@dataclass(frozen=True)
class Case:
    """One reproducer: the arguments ({tmp} is a temporary directory, {ping} the model),
    the exit code, text that must (``says``) or must not (``not_says``) appear in stdout +
    stderr, and a model edit (old, new) applied to ping_stale.cc as {model}."""

    args: tuple[str, ...]
    code: int
    says: tuple[str, ...] = ()
    not_says: tuple[str, ...] = ()
    edit: tuple[str, str] | None = None
    limit: float | None = None  # the run must end within this many seconds


TICK = "action tick when r < MAXR {"
CASES: dict[str, Case] = {
    # 1. --timeout bounds every run (the encoding is built under the deadline)
    # The SMT engine builds the bound's encoding before its first query: the case where
    # the limit must bound the building.  (The default engine, auto, answers the same
    # command at once with ping_stale's real 4-event counterexample: "default-engine".)
    "huge-bound": Case(
        ("check", "{ping}", "--bound", "1000000", "--timeout", "3", "-q", "--engine", "smt"),
        5,
        ("unknown", "time limit"),
        limit=3 + 6,
    ),
    "huge-bound-default-engine": Case(
        ("check", "{ping}", "--bound", "1000000", "--timeout", "3", "-q"),
        10,
        ("not closed", "a trace of 4 events"),
        limit=3 + 6,
    ),
    "huge-witness-bound": Case(
        (
            "check",
            "{ping}",
            "--bound",
            "3",
            "--witness-bound",
            "1000000",
            "--timeout",
            "3",
            "-q",
            "--engine",
            "smt",
        ),
        5,
        ("unknown", "time limit"),
        limit=3 + 6,
    ),
    "huge-instance": Case(
        ("check", "{ping}", "--set", "N=100000000000000000000", "--timeout", "5", "-q"),
        3,
        ("more than the limit of 100,000", "--set N=100000000000000000000", "^"),
    ),
    # 2. huge declared domains are size errors at the declaration, not blow-ups
    "huge-parameter": Case(
        ("parse", "{model}"),
        3,
        ("model.cc:55:18: error: parameter 'x: 0..1000000000' has 1,000,000,001 values", "^~"),
        edit=(TICK, "action tick(x: 0..1000000000) when r < MAXR {"),
    ),
    "huge-quantifier": Case(
        ("parse", "{model}"),
        3,
        ("model.cc:55:", "the domain 0..100000000 of 'forall x'", "limit of 100,000"),
        edit=(TICK, "action tick when r < MAXR and (forall x: 0..100000000 . x >= 0) {"),
    ),
    "huge-map": Case(
        ("parse", "{model}"),
        3,
        ("model.cc:53:", "the key type 0..100000000 of a map", "limit of 100,000"),
        edit=("  var c: 0..N = 0", "  var c: 0..N = 0\n  var big: map[0..100000000, bool]"),
    ),
    "many-processes-load": Case(("parse", "{ping}", "--set", "N=20000"), 0, ("role P[20000]",)),
    # 4. non-finite or absurd time limits are usage errors
    "timeout-nan": Case(("check", "{ping}", "--timeout", "nan"), 2, ("--timeout",)),
    "timeout-inf": Case(("check", "{ping}", "--timeout", "inf"), 2, ("--timeout",)),
    "timeout-1e308": Case(("check", "{ping}", "--timeout", "1e308"), 2, ("--timeout",)),
    "synth-timeout-nan": Case(("synth", "{ping}", "--timeout", "nan"), 2, ("--timeout",)),
    "memory-negative": Case(("check", "{ping}", "--memory", "-5"), 2, ("--memory",)),
    # 5. output paths are checked before the work; a late write failure keeps the verdict
    "survey-markdown-missing-dir": Case(
        ("survey", "{ping}", "--markdown", "/nonexistent/x.md"),
        2,
        ("--markdown /nonexistent/x.md: no such directory",),
        ("analysed",),
    ),
    "survey-output-missing-dir": Case(
        ("survey", "{ping}", "--json", "--output", "/nonexistent/x.json"),
        2,
        ("--output /nonexistent/x.json: no such directory",),
    ),
    "survey-output-is-the-model": Case(
        ("survey", "{ping}", "--output", "{ping}"), 2, ("refusing to overwrite the model file",)
    ),
    "itf-dev-full": Case(
        ("check", "{ping}", "--bound", "4", "--itf", "/dev/full", "-q"),
        10,
        ("not closed", "--itf /dev/full: cannot write", "the verdict above stands"),
    ),
    "itf-empty": Case(("check", "{ping}", "--itf", ""), 2, ("--itf: the file name is empty",)),
    "diagram-empty": Case(("check", "{ping}", "--diagram", ""), 2, ("file name is empty",)),
    "smt2-empty": Case(("check", "{ping}", "--smt2", ""), 2, ("directory name is empty",)),
    "smt2-is-a-file": Case(("check", "{ping}", "--smt2", "{ping}"), 2, ("not a directory",)),
    "itf-is-the-model": Case(
        ("check", "{ping}", "--itf", "{ping}"), 2, ("refusing to overwrite the model file",)
    ),
    "smt2-with-explicit": Case(
        ("check", "{ping}", "--engine", "explicit", "--smt2", "{tmp}/q"),
        2,
        ("--smt2", "--engine explicit"),
    ),
    "solver-with-explicit": Case(
        ("check", "{ping}", "--bound", "4", "--engine", "explicit", "--solver", "cvc5", "-q"),
        10,
        ("warning: --solver cvc5 has no effect with --engine explicit",),
    ),
    "synth-unknown-attribute": Case(
        ("synth", "{ping}", "--attribute", "bogus"),
        2,
        ("--attribute bogus: not an attribute of ping_stale", "candidates: r, c"),
    ),
    # 7. a model that cannot do anything says so
    "dead-model": Case(
        ("check", "{model}", "-q"),
        0,
        (
            "warning: edge tick of P never fired within 6 events: its store r := r + 7 leaves 0..2",
            "no event can fire in this model",
        ),
        edit=("    r := r + 1\n", "    r := r + 7\n"),
    ),
    "coverage-table": Case(
        ("check", "{ping}", "--bound", "4", "--coverage", "-q"),
        10,
        ("edge coverage within 4 events", "P.tick", "P.late"),
    ),
    # 8. diagnostics
    "no-chain-hint-for-range": Case(
        ("parse", "{model}"),
        3,
        ("model.cc:51:14: error: expected one of",),
        ("do not chain",),
        edit=("var r: 0..MAXR = 0", "var r: 0.. = 0"),
    ),
    "no-chain-hint-for-const": Case(
        ("parse", "{model}"), 3, ("expected a name",), ("do not chain",), edit=("const N", "const ")
    ),
    "chain-hint-for-a-chain": Case(
        ("parse", "{model}"),
        3,
        ("comparisons do not chain",),
        edit=(TICK, "action tick when 0 <= r < MAXR {"),
    ),
    "long-flat-and": Case(
        ("parse", "{model}"),
        0,
        edit=(TICK, "action tick when " + " and ".join(["r < MAXR"] * 2000) + " {"),
    ),
    "unknown-command": Case(
        ("chek", "{ping}"), 2, ("unknown command 'chek'; did you mean 'check'?",)
    ),
    "set-zero-names-the-set": Case(
        ("parse", "{ping}", "--set", "N=0"),
        3,
        ("needs at least 1 process, got 0 (from --set N=0)",),
    ),
}

SLOW_CASES: dict[str, Case] = {
    "huge-bound-timeout-10": Case(
        ("check", "{ping}", "--bound", "1000000", "--timeout", "10", "-q"),
        5,
        ("unknown", "time limit"),
        limit=12 + 3,
    ),
    "many-processes-check": Case(
        ("check", "{ping}", "--set", "N=100000", "--timeout", "10", "-q"),
        5,
        ("unknown", "time limit"),
        limit=12 + 3,
    ),
    "flat-and-10000": Case(
        ("parse", "{model}"),
        0,
        edit=(TICK, "action tick when " + " and ".join(["r < MAXR"] * 10000) + " {"),
    ),
    "flat-plus-10000": Case(
        ("parse", "{model}"),
        0,
        edit=(TICK, "action tick when r" + " + 0" * 10000 + " < MAXR {"),
    ),
    "memory-limit": Case(
        ("check", str(EXAMPLES / "raft.cc"), "--bound", "12", "--engine", "explicit"),
        5,
        ("memory limit of 150 MiB reached",),
    ),
}


def _run_case(case: Case, tmp_path: Path) -> None:
    model = ""
    if case.edit is not None:
        model = variant(tmp_path, "model.cc", *case.edit)
    subst = {"{ping}": str(PING), "{model}": model, "{tmp}": str(tmp_path)}
    args = []
    for a in case.args:
        for k, v in subst.items():
            a = a.replace(k, v)
        args.append(a)
    if "memory limit of 150" in " ".join(case.says):
        args += ["--memory", "150", "-q"]
    start = time.monotonic()
    r = run(*args, timeout=300)
    elapsed = time.monotonic() - start
    text = r.stdout + r.stderr
    assert "Traceback" not in text, text
    assert r.returncode == case.code, text
    flat = " ".join(text.split())  # warnings are wrapped to the terminal width
    for s in case.says:
        assert s in text or " ".join(s.split()) in flat, (s, text)
    for s in case.not_says:
        assert s not in text, (s, text)
    if case.limit is not None:
        # the time limit is a promise of the tool, not a performance figure
        assert elapsed < case.limit, f"took {elapsed:.1f} s"


@pytest.mark.parametrize("name", sorted(CASES))
def test_reproducer(name, tmp_path):
    _run_case(CASES[name], tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SLOW_CASES))
def test_slow_reproducer(name, tmp_path):
    _run_case(SLOW_CASES[name], tmp_path)


def test_non_utf8_model_is_a_model_error_at_line_and_column(tmp_path):
    path = tmp_path / "latin1.cc"
    path.write_bytes(PING.read_bytes().replace(b"# ping_stale:", b"# ping_stal\xe9:", 1))
    r = run("parse", str(path))
    assert r.returncode == 3, r.stderr
    assert f"{path}:1:12: error: byte 0xe9 is not UTF-8" in r.stderr
    assert "Traceback" not in r.stderr


def test_late_write_failure_of_survey_keeps_the_survey(tmp_path):
    """/dev/full passes the early check (it is writable) and fails when written."""
    r = run(
        "survey", str(EXAMPLES / "ping_closed.cc"), "--bound", "2", "-q", "--markdown", "/dev/full"
    )
    assert r.returncode == 0, r.stderr
    assert "--markdown /dev/full: cannot write" in r.stderr
    assert "ping_closed" in r.stdout and "Traceback" not in r.stderr


# ------------------------------------------------------------------ signals


def _group_alive(pgid: int) -> list[str]:
    """Processes (not zombies) of process group ``pgid``."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(stat[:60])
    return out


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*CCVERIFY, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for(proc: subprocess.Popen, what: str, seconds: float = 60) -> None:
    """Read stderr lines until one contains ``what`` (progress lines say where it is)."""
    import select

    end = time.monotonic() + seconds
    assert proc.stderr is not None
    while time.monotonic() < end:
        ready, _, _ = select.select([proc.stderr], [], [], 1.0)
        if not ready:
            continue
        line = proc.stderr.readline()
        if what in line:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"ended before {what!r}")
    raise AssertionError(f"no {what!r} within {seconds} s")


def _interrupt(proc: subprocess.Popen, sig: int) -> tuple[float, str, str]:
    start = time.monotonic()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    return time.monotonic() - start, out, err


# A check that runs for minutes: paxos is closed, so without the one-step proof the SMT
# engine searches every bound (over 150 s at bound 9).  (raft's 5-event counterexample
# is found in about a second by every engine now, before a signal could arrive.)
LONG_CHECK = (str(EXAMPLES / "paxos.cc"), "--bound", "12", "--no-one-step", "--engine", "smt")


@pytest.mark.parametrize(
    "sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_signal_ends_a_check_at_once(sig, code):
    proc = _start(*LONG_CHECK)
    _wait_for(proc, "bound 1:")  # inside the bounded search (z3 or Python)
    time.sleep(0.5)
    took, _out, err = _interrupt(proc, sig)
    assert proc.returncode == code, err
    assert err.strip().splitlines()[-1] == f"ccverify: interrupted ({signal.Signals(sig).name})"
    assert "Traceback" not in err and "Exception ignored" not in err
    assert took < 5, f"took {took:.1f} s to stop"  # about a second, with room for load
    assert not _group_alive(proc.pid)


def test_second_ctrl_c_never_prints_a_traceback():
    proc = _start(*LONG_CHECK)
    _wait_for(proc, "bound 1:")
    proc.send_signal(signal.SIGINT)
    time.sleep(0.01)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Exception ignored" not in err


@pytest.mark.parametrize("sig,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_to_synth_with_jobs_leaves_no_process(sig, code):
    proc = _start("synth", str(EXAMPLES / "raft.cc"), "--bound", "5", "-j", "2")
    _wait_for(proc, "role attributes analysed")
    deadline = time.monotonic() + 30
    while len(_group_alive(proc.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)  # the parent, a worker or two, the resource tracker
    assert len(_group_alive(proc.pid)) >= 3, "the workers never started"
    took, _out, err = _interrupt(proc, sig)
    assert proc.returncode == code, err
    assert "Traceback" not in err and "leaked" not in err, err
    assert took < 5, f"took {took:.1f} s to stop"
    time.sleep(0.5)
    assert not _group_alive(proc.pid), _group_alive(proc.pid)


def test_interrupted_smt2_dump_leaves_only_complete_files(tmp_path):
    dump = tmp_path / "q"
    proc = _start(*LONG_CHECK, "--smt2", str(dump))
    _wait_for(proc, "bound 2:")
    time.sleep(0.3)
    _interrupt(proc, signal.SIGINT)
    assert proc.returncode == 130
    files = sorted(dump.iterdir())
    assert files, "no query was written"
    for f in files:
        assert f.name.startswith("query") and f.suffix == ".smt2", f.name  # no temporaries
        assert f.read_text().rstrip().endswith("(check-sat)"), f"{f.name} is truncated"
