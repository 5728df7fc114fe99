"""CI formats: ``ccverify test`` (expectations, table, JUnit, GitHub annotations) and
``--format sarif`` (checked against a minimal SARIF 2.1.0 schema written from the
specification, tests/sarif.schema.json, and against the official schema when
``CCVERIFY_SARIF_SCHEMA`` names a copy of it)."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from verifier.cli import main
from verifier.engines.expect import ExpectationError, parse_expectations

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = json.loads((Path(__file__).resolve().parent / "sarif.schema.json").read_text())


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def _model(tmp_path: Path, source: str, expect: str) -> Path:
    text = (ROOT / "examples" / source).read_text()
    lines = [ln for ln in text.splitlines() if not ln.startswith("# expect:")]
    path = tmp_path / source
    path.write_text("\n".join([f"# expect: {expect}", *lines]) + "\n")
    return path


def test_the_parser_reads_every_form_and_rejects_a_malformed_line(tmp_path):
    path = tmp_path / "m.cc"
    path.write_text(
        "# expect: closed-all at bound 6\n"
        "# expect: not-closed at bound 6 length 5 set NA=1 set N=2 slow\n"
        "role P[1] {}\n"
    )
    a, b = parse_expectations(path)
    assert (a.verdict, a.bound, a.length, a.line) == ("closed-all", 6, None, 1)
    assert (b.verdict, b.length, b.overrides, b.slow, b.line) == (
        "not-closed", 5, (("NA", 1), ("N", 2)), True, 2,
    )  # fmt: skip
    path.write_text("# expect: closed at bound six\n")
    with pytest.raises(ExpectationError, match=r"m\.cc:1: malformed"):
        parse_expectations(path)


def test_ccverify_test_passes_and_writes_junit(capsys, tmp_path):
    good = _model(tmp_path, "ping_stale.cc", "not-closed at bound 4 length 4")
    closed = _model(tmp_path, "ping_closed.cc", "closed-all at bound 4")
    junit = tmp_path / "report.xml"
    code = main(["test", str(good), str(closed), "--junit", str(junit), "-q"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[-1] == "2 passed, 0 failed"
    root = ET.fromstring(junit.read_text())
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 2 and not root.findall(".//failure")
    assert {c.get("line") for c in cases} == {"1"}


def test_a_wrong_expectation_fails_with_a_readable_line(capsys, tmp_path, monkeypatch):
    wrong = _model(tmp_path, "ping_stale.cc", "closed at bound 4")
    junit = tmp_path / "report.xml"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code = main(["test", str(tmp_path), "--junit", str(junit), "-q"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"FAIL  {wrong}:1" in out
    assert "expected closed up to bound 4, got not closed" in out
    assert out.splitlines()[-2] == "0 passed, 1 failed"  # then the annotation
    assert out.splitlines()[-1].startswith(f"::error file={wrong},line=1,title=")
    (failure,) = ET.fromstring(junit.read_text()).findall(".//failure")
    assert "expected closed up to bound 4" in failure.get("message")


def test_a_model_without_expectations_fails(capsys, tmp_path):
    bare = tmp_path / "bare.cc"
    bare.write_text((ROOT / "examples" / "ping_closed.cc").read_text().replace("# expect:", "#"))
    assert main(["test", str(bare), "-q"]) == 1
    assert "no '# expect:' line" in capsys.readouterr().out


def test_ccverify_test_json(capsys, tmp_path):
    good = _model(tmp_path, "ping_closed.cc", "closed at bound 3")
    assert main(["test", str(good), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)  # validated against the schema by conftest
    assert doc["command"] == "test" and doc["passed"] and doc["cases"][0]["line"] == 1


def _validate_sarif(doc: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(SARIF_SCHEMA)
    jsonschema.Draft202012Validator(SARIF_SCHEMA).validate(doc)
    official = os.environ.get("CCVERIFY_SARIF_SCHEMA")
    if official:
        schema = json.loads(Path(official).read_text())
        cls = jsonschema.validators.validator_for(schema)
        cls(schema, format_checker=jsonschema.FormatChecker()).validate(doc)


def test_sarif_has_one_result_at_the_offending_edge(capsys):
    code = main(["examples/ping_stale.cc", "-k", "4", "--format", "sarif"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 10
    _validate_sarif(doc)
    (run,) = doc["runs"]
    (result,) = run["results"]
    assert result["ruleId"] == "CC001" and result["level"] == "error"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "examples/ping_stale.cc"
    assert (loc["region"]["startLine"], loc["region"]["startColumn"]) == (65, 3)
    flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [f["executionOrder"] for f in flow] == [1, 2, 3, 4]
    assert flow[3]["importance"] == "essential"
    assert run["invocations"][0]["exitCode"] == 10


def test_sarif_of_a_closed_protocol_has_no_result(capsys):
    assert main(["examples/ping_closed.cc", "-k", "3", "--format", "sarif"]) == 0
    doc = json.loads(capsys.readouterr().out)
    _validate_sarif(doc)
    assert doc["runs"][0]["results"] == []
    assert main(["examples/ping_closed.cc", "--format", "sarif", "--json"]) == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"version": "2.0.0", "runs": []},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]},
    ],
)
def test_the_minimal_sarif_schema_rejects_malformed_logs(bad):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SARIF_SCHEMA).validate(bad)
