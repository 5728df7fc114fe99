"""The ``--json`` outputs of every command: versioned, valid against the shipped schema
(tests/conftest.py validates each one the CLI prints), errors included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import validate_output

from verifier.cli import main
from verifier.output import jsonout

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, validate_output(json.loads(out))


def test_the_schema_ships_in_the_package_and_is_a_schema():
    schema = jsonout.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema_version"]["const"] == jsonout.SCHEMA_VERSION


def test_check_json_names_constants_rounds_locations_and_every_bound(capsys):
    code, doc = run_json(capsys, "examples/ping_stale.cc", "-k", "4", "--json", "--set", "N=2")
    assert code == 10
    assert doc["schema_version"] == 1 and doc["command"] == "check"
    assert doc["constants"] == {"N": 2, "MAXR": 2}
    assert doc["rounds"] == {"P": "r"}
    assert doc["processes"] == ["P[0]", "P[1]"]
    trace = doc["trace"]
    assert [e["index"] for e in trace] == [1, 2, 3, 4]
    assert all(e["location"].startswith("examples/ping_stale.cc:") for e in trace)
    (v,) = doc["violations"]
    assert v["event"] == 4 and trace[v["event"] - 1]["edge"] == "late"
    assert v["location"] == trace[3]["location"] == "examples/ping_stale.cc:65:3"
    bounds = doc["timings"]["per_bound"]
    assert [b["bound"] for b in bounds] == [1, 2, 3, 4]  # the last bound is there
    assert [b["complete"] for b in bounds] == [True, True, True, False]
    calls = [b["solver_calls"] for b in bounds]
    assert calls == sorted(calls) and calls[-1] <= doc["solver_calls"]  # cumulative


def test_explicit_engine_per_bound_includes_the_last(capsys):
    _, doc = run_json(capsys, "examples/ping_stale.cc", "-k", "4", "--engine", "explicit", "--json")
    bounds = doc["timings"]["per_bound"]
    assert bounds[-1] == {**bounds[-1], "bound": 4, "complete": False}
    assert all("nodes" in b for b in bounds)


def test_explain_json_carries_the_reordering(capsys):
    code, doc = run_json(capsys, "explain", "examples/ping_stale.cc", "-k", "4", "--json")
    assert code == 10 and doc["command"] == "explain"
    r = doc["reordering"]
    assert sorted(r["order"]) == [1, 2, 3, 4]
    assert not (r["equivalent"] and r["grouped"])  # a counterexample has no grouped twin
    assert r["sample"] is False and r["summary"].startswith("NOT")
    code, doc = run_json(capsys, "explain", "examples/ping_closed.cc", "-k", "4", "--json")
    assert code == 0 and doc["reordering"]["sample"] is True
    assert doc["reordering"]["equivalent"] and doc["reordering"]["grouped"]


def test_parse_json_is_versioned(capsys):
    code, doc = run_json(capsys, "parse", "examples/ping_closed.cc", "--json")
    assert code == 0 and doc["command"] == "parse" and doc["ir"]["node"] == "Model"


def test_synth_and_survey_json(capsys, tmp_path):
    code, doc = run_json(capsys, "synth", "examples/ping_stale.cc", "-k", "3", "-q", "--json")
    assert code == 0 and doc["command"] == "synth" and doc["rows"]
    assert doc["constants"]["N"] == 2
    out = tmp_path / "survey.json"
    md = tmp_path / "survey.md"
    argv = ["survey", "examples/ping_stale.cc", "examples/ping_closed.cc", "-k", "3", "-q"]
    assert main([*argv, "--json", "--output", str(out), "--markdown", str(md)]) == 0
    assert capsys.readouterr().out == ""  # --output: nothing on stdout
    doc = validate_output(json.loads(out.read_text()))
    assert doc["command"] == "survey" and len(doc["protocols"]) == 2
    assert md.read_text().startswith("#") or "|" in md.read_text()


def test_survey_never_overwrites_a_model(capsys, tmp_path):
    model = tmp_path / "a.cc"
    model.write_text((ROOT / "examples" / "ping_closed.cc").read_text())
    before = model.read_text()
    code = main(["survey", str(model), "-k", "2", "-q", "--output", str(model)])
    assert code == 2 and model.read_text() == before
    # --json is a flag: the old `survey --json FILE` reads FILE as a model
    code, doc = run_json(capsys, "survey", "--json", str(model), "-k", "2", "-q")
    assert code == 0 and model.read_text() == before and doc["protocols"][0]["file"] == str(model)


def test_survey_set_applies_to_every_model(capsys):
    _, doc = run_json(
        capsys, "survey", "examples/ping_closed.cc", "-k", "2", "-q", "--json", "--set", "N=3"
    )
    assert doc["protocols"][0]["synthesis"]["constants"]["N"] == 3


def test_a_model_error_is_json_with_its_location(capsys, tmp_path):
    bad = tmp_path / "bad.cc"
    bad.write_text(
        "protocol x\nrole P[2] {\n  var r: int[0..2] = 0\n  round (r)\n  when r < 2 { r := q }\n}\n"
    )
    code, doc = run_json(capsys, "check", str(bad), "--json")
    assert code == 3
    err = doc["error"]
    assert err["kind"] == "model" and err["exit_code"] == 3
    assert err["file"] == str(bad) and err["line"] >= 1 and err["column"] >= 1
    assert err["diagnostics"][0]["message"] == err["message"]


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "examples/ping_closed.cc", "--bound", "0", "--json"],
        ["check", "examples/missing.cc", "--json"],
        ["check", "examples/ping_closed.cc", "--no-such-flag", "--json"],
        ["synth", "examples/ping_closed.cc", "--jobs", "0", "--json"],
    ],
)
def test_usage_errors_are_json(capsys, argv):
    code, doc = run_json(capsys, *argv)
    assert code == 2 and doc["error"]["kind"] == "usage" and doc["error"]["message"]
    assert capsys.readouterr().err == ""


def test_json_from_a_real_process_validates():
    r = subprocess.run(
        [sys.executable, "-m", "verifier.cli", "examples/ping_stale.cc", "-k", "3", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    validate_output(json.loads(r.stdout))
