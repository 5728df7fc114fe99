"""The library API (``import ccverify``), ``python -m ccverify``, the installation guard
and the optional diagram extra."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import ccverify

ROOT = Path(__file__).resolve().parent.parent
PING_STALE = str(ROOT / "examples" / "ping_stale.cc")


def test_the_readme_example_runs():
    model = ccverify.load_model(PING_STALE)
    result = ccverify.check(model, bound=4, engine=ccverify.Engine.EXPLICIT)
    assert result.verdict is ccverify.Verdict.NOT_CLOSED
    assert result.describe() == "not closed" and len(result.trace) == 4
    assert result.model is model  # the result carries its context


def test_check_takes_options_or_fields_not_both():
    model = ccverify.load_model(PING_STALE)
    opts = ccverify.CheckOptions(bound=2, engine=ccverify.Engine.EXPLICIT)
    assert ccverify.check(model, opts).verdict.closed
    with pytest.raises(ccverify.UsageError):
        ccverify.check(model, opts, bound=3)
    with pytest.raises(ccverify.UsageError, match="--bound must be at least 1"):
        ccverify.check(model, bound=0)
    with pytest.raises(ccverify.UsageError, match="--timeout"):
        ccverify.CheckOptions(bound=2, timeout=float("nan"))


def test_synthesis_through_the_api():
    model = ccverify.load_text(Path(PING_STALE).read_text(), "ping_stale.cc")
    report = ccverify.synthesize(model, ccverify.SynthOptions.of(bound=2, max_checks=1))
    assert report.rows and report.options.check.bound == 2


def test_one_interpreter_per_check(monkeypatch, capsys):
    """NOTE(result-context): `ccverify check` compiles the model once."""
    from verifier import cli
    from verifier.semantics.interp import Interpreter

    built = []
    init = Interpreter.__init__

    def counting(self, *args, **kw):
        built.append(1)
        init(self, *args, **kw)

    monkeypatch.setattr(Interpreter, "__init__", counting)
    for engine in ("smt", "explicit"):
        built.clear()
        assert cli.main(["check", PING_STALE, "--bound", "4", "--engine", engine, "-q"]) == 10
        assert len(built) == 1, engine
    capsys.readouterr()


def test_python_dash_m_ccverify(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "ccverify", PING_STALE, "--bound", "4", "-q", "--no-color"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert r.returncode == 10, r.stderr
    assert "ping_stale: not closed" in r.stdout


def test_a_foreign_verifier_package_is_named_in_one_line(tmp_path):
    """NOTE(shadowing): another distribution's `verifier` on the path: exit 6, one line."""
    fake = tmp_path / "verifier"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise RuntimeError('foreign code must not run')\n")
    code = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import ccverify
        sys.exit(ccverify.main([{PING_STALE!r}, "--bound", "2"]))
        """
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 6
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "are not ccverify's" in lines[0] and str(fake) in lines[0]
    assert "Traceback" not in r.stderr


def test_diagram_without_matplotlib_says_how_to_install_it(tmp_path):
    """The diagram extra is optional: hide matplotlib and ask for a diagram."""
    blocker = tmp_path / "sitecustomize_dir"
    blocker.mkdir()
    (blocker / "matplotlib.py").write_text("raise ImportError('hidden by the test')\n")
    code = textwrap.dedent(
        f"""
        import importlib.util, sys
        real = importlib.util.find_spec
        importlib.util.find_spec = lambda name, *a: None if name == "matplotlib" else real(name, *a)
        import ccverify
        sys.exit(ccverify.main([{PING_STALE!r}, "--bound", "4", "--diagram",
                                {str(tmp_path / "x.svg")!r}]))
        """
    )
    env = dict(os.environ, PYTHONPATH=str(blocker))
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert r.returncode == 2, r.stderr
    assert "pip install 'ccverify[diagram]'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.svg").exists()
