"""The command line as a user meets it: exit codes, messages, JSON, bad input, limits."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import validate_output

from verifier.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CCVERIFY = [sys.executable, "-m", "verifier.cli"]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*CCVERIFY, *args], capture_output=True, text=True, timeout=timeout)


def ex(name: str) -> str:
    return str(EXAMPLES / name)


def test_default_command_is_check_and_not_closed_exits_10():
    r = run(ex("ping_stale.cc"), "--bound", "4", "--quiet")
    assert r.returncode == 10, r.stderr
    assert "not closed" in r.stdout
    assert "No round-grouped trace of at most 4 events" in r.stdout


def test_closed_exits_0_and_check_alias():
    r = run("check", ex("ping_closed.cc"), "--bound", "3", "-q")
    assert r.returncode == 0, r.stderr
    assert "closed (all bounds)" in r.stdout


def test_json_is_one_object_with_the_trace():
    r = run(ex("ping_stale.cc"), "--bound", "4", "--json")
    assert r.returncode == 10
    data = validate_output(json.loads(r.stdout))
    assert data["verdict"] == "not closed" and data["bound"] == 4
    assert len(data["trace"]) == 4
    assert data["violations"] and data["violations"][0]["condition"] == "receive"
    assert "seconds" in data["timings"]


def test_explicit_engine_from_the_command_line():
    r = run(ex("ping_echo.cc"), "--bound", "6", "--engine", "explicit", "-q")
    assert r.returncode == 10
    assert "a trace of 6 events" in r.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--bound", "0"],
        ["--bound", "-3"],
        ["--bound", "4", "--witness-bound", "3"],
        ["--bound", "2", "--timeout", "0"],
        ["--bound", "x"],
        ["--set", "N"],
    ],
)
def test_impossible_bounds_and_bad_flags_are_usage_errors(args):
    r = run(ex("ping_closed.cc"), *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert "error" in r.stderr


def test_missing_file_is_a_usage_error():
    r = run("/nonexistent/model.cc", "--bound", "2")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_unknown_constant_override():
    r = run(ex("ping_closed.cc"), "--set", "NOPE=3")
    assert r.returncode == 2 and "NOPE" in r.stderr


def test_model_errors_exit_3_with_position_and_caret(tmp_path):
    bad = tmp_path / "bad.cc"
    bad.write_text(
        "const N = 2\nrole P[N] {\n  var r: 0..2 = 0\n  round (r)\n"
        "  action a when q > 1 { r := r + 1 }\n}\n"
    )
    r = run(str(bad), "--bound", "2")
    assert r.returncode == 3
    assert f"{bad}:5:17: error:" in r.stderr
    assert "unknown name 'q'" in r.stderr
    assert "^" in r.stderr and "Traceback" not in r.stderr


def test_unsupported_construct_is_a_model_error(tmp_path):
    bad = tmp_path / "div.cc"
    bad.write_text(
        "const N = 2\nrole P[N] {\n  var r: 0..2 = 0\n  var x: 0..2 = 0\n"
        "  round (r)\n  action a when r < 2 { r := x / r }\n}\n"
    )
    r = run(str(bad), "--bound", "2")
    assert r.returncode == 3
    assert "unsupported" in r.stderr and ":6:" in r.stderr


def test_timeout_gives_unknown_and_exit_5():
    r = run(ex("raft.cc"), "-k", "9", "--timeout", "1", "--no-one-step", "-q", "--engine", "smt")
    assert r.returncode == 5, r.stdout
    assert "unknown" in r.stdout and "time limit" in r.stdout
    deep = ("-k", "11", "--round", "commitIndex", "--timeout", "1", "--engine", "explicit")
    r = run(ex("raft.cc"), *deep, "-q")
    assert r.returncode == 5, r.stdout
    assert "unknown" in r.stdout and "time limit" in r.stdout


def test_ctrl_c_exits_cleanly():
    """A user presses Ctrl-C (again, if the first press lands inside a z3 call that then
    finishes anyway); the run must end with exit 130 and no traceback."""
    proc = subprocess.Popen(
        [*CCVERIFY, ex("paxos.cc"), "--bound", "12", "--no-one-step"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.5)
    for _ in range(30):
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=1)
            break
        except subprocess.TimeoutExpired:
            continue
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "interrupted" in err and "Traceback" not in err


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for word in ("check", "parse", "simulate", "exit codes"):
        assert word in out


def test_parse_prints_the_model_and_json_ir(capsys):
    assert main(["parse", ex("raft.cc")]) == 0
    out = capsys.readouterr().out
    assert "role Server[3]" in out and "round currentTerm" in out
    assert main(["parse", ex("ping_closed.cc"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == 1 and data["command"] == "parse"
    assert data["ir"]["node"] == "Model" and data["ir"]["roles"][0]["name"] == "P"


def test_simulate_is_reproducible(capsys):
    assert main(["simulate", ex("raft.cc"), "--steps", "30", "--seed", "1"]) == 0
    first = capsys.readouterr().out
    assert main(["simulate", ex("raft.cc"), "--steps", "30", "--seed", "1"]) == 0
    assert capsys.readouterr().out == first
    assert "Server[" in first and "round" in first


def test_cvc5_gives_the_same_verdict():
    pytest.importorskip("cvc5")
    r = run(ex("ping_stale.cc"), "--bound", "4", "--solver", "cvc5", "-q")
    assert r.returncode == 10 and "a trace of 4 events" in r.stdout


def test_construct_the_encoder_cannot_handle_is_a_model_error_with_caret(tmp_path):
    """The checker accepts a product of two wide variables; the SMT encoding cannot split
    on 10001 values, and says so at the product, exit 3 (the explicit engine can run it)."""
    bad = tmp_path / "mul.cc"
    bad.write_text(
        "const N = 2\nrole P[N] {\n  var r: 0..2 = 0\n  var x: 0..10000 = 0\n"
        "  var y: 0..10000 = 0\n  round (r)\n"
        "  action a when x * y = 1 { r := 1 }\n}\n"
    )
    r = run(str(bad), "--bound", "2")
    assert r.returncode == 3, (r.stdout, r.stderr)
    assert f"{bad}:7:17: error: unsupported construct" in r.stderr
    assert "^" in r.stderr and "Traceback" not in r.stderr
    assert run(str(bad), "--bound", "2", "--engine", "explicit", "-q").returncode == 0


def test_option_before_the_file_still_means_check():
    r = run("--bound", "3", ex("ping_closed.cc"), "-q")
    assert r.returncode == 0 and "closed" in r.stdout


def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("ccverify ")


def test_empty_model_and_bad_initial_value_are_model_errors(tmp_path):
    empty = tmp_path / "empty.cc"
    empty.write_text("const N = 1\n")
    r = run(str(empty), "--bound", "2")
    assert r.returncode == 3 and "declares no role" in r.stderr
    init = tmp_path / "init.cc"
    init.write_text(
        "role P[2] {\n  var r: 0..2 = 7\n  round (r)\n  action a when r < 2 { r := r + 1 }\n}\n"
    )
    for engine in ("smt", "explicit"):
        r = run(str(init), "--bound", "2", "--engine", engine)
        assert r.returncode == 3, (engine, r.stdout, r.stderr)
        assert "init.cc:2:17: error: the initial value of 'r' is 7" in r.stderr
    assert run("parse", str(init)).returncode == 3


def test_output_paths_are_checked_before_the_check_runs(tmp_path):
    for args in (
        ["--diagram", str(tmp_path / "no" / "x.svg")],
        ["--itf", str(tmp_path)],
        ["--smt2", ex("ping_closed.cc")],
    ):
        r = run(ex("raft.cc"), "--bound", "6", *args)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (args, r.stderr)
        assert r.stdout == ""  # nothing ran


def test_timeout_while_encoding_a_huge_bound():
    r = run(ex("raft.cc"), "--bound", "1000", "--timeout", "2", "-q", "--engine", "smt")
    assert r.returncode == 5 and "while building the SMT encoding" in r.stdout
