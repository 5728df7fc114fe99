"""Reports of ``ccverify test``: a pass/fail table, JUnit XML, GitHub annotations, JSON."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from verifier.engines.expect import CaseResult


def _status(c: CaseResult) -> str:
    return "skip" if c.skipped else ("pass" if c.passed else "FAIL")


def table(cases: list[CaseResult]) -> str:
    """One line per expectation, then a summary line ``N passed, N failed, N skipped``."""
    rows = [
        (
            _status(c),
            f"{c.expectation.model}:{c.expectation.line}",
            c.expectation.text,
            c.message,
            "" if c.skipped else f"{c.seconds:.1f} s",
        )
        for c in cases
    ]
    heads = ("", "model", "expect", "result", "time")
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(heads[:4])]
    lines = []
    for r in [heads, *rows]:
        cells = [r[i].ljust(widths[i]) for i in range(4)]
        lines.append("  ".join([*cells, r[4]]).rstrip())
    passed = sum(c.passed and not c.skipped for c in cases)
    failed = sum(not c.passed and not c.skipped for c in cases)
    skipped = sum(c.skipped for c in cases)
    lines.append(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return "\n".join(lines) + "\n"


def junit_xml(cases: list[CaseResult]) -> str:
    """A JUnit XML report: one ``testsuite`` per model file, one ``testcase`` per line."""
    suites = ET.Element("testsuites", name="ccverify test")
    by_file: dict[str, list[CaseResult]] = {}
    for c in cases:
        by_file.setdefault(str(c.expectation.model), []).append(c)
    for file, group in by_file.items():
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=file,
            tests=str(len(group)),
            failures=str(sum(not c.passed and not c.skipped for c in group)),
            skipped=str(sum(c.skipped for c in group)),
            time=f"{sum(c.seconds for c in group):.3f}",
        )
        for c in group:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=c.expectation.model.stem,
                name=f"line {c.expectation.line}: {c.expectation.text}",
                file=file,
                line=str(c.expectation.line),
                time=f"{c.seconds:.3f}",
            )
            if c.skipped:
                ET.SubElement(case, "skipped", message=c.message)
            elif not c.passed:
                fail = ET.SubElement(case, "failure", message=c.message)
                fail.text = f"{file}:{c.expectation.line}: {c.message}"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def github_annotations(cases: list[CaseResult]) -> str:
    """``::error file=...,line=...::message`` workflow commands, one per failed line."""

    def esc(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    out = []
    for c in cases:
        if c.passed or c.skipped:
            continue
        e = c.expectation
        title = esc(f"ccverify: {e.model.name} does not meet its expectation")
        out.append(
            f"::error file={esc(str(e.model))},line={e.line},title={title}::"
            f"{esc(f'expect: {e.text}: {c.message}')}"
        )
    return "".join(line + "\n" for line in out)


def cases_json(cases: list[CaseResult]) -> dict:
    """The body of ``ccverify test --json``."""
    return {
        "passed": all(c.passed or c.skipped for c in cases),
        "cases": [
            {
                "file": str(c.expectation.model),
                "line": c.expectation.line,
                "expect": c.expectation.text,
                "verdict": c.verdict,
                "length": c.length,
                "passed": c.passed,
                "skipped": c.skipped,
                "message": c.message,
                "seconds": round(c.seconds, 3),
            }
            for c in cases
        ],
    }
