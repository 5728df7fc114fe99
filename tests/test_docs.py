"""The documentation's models are real models: they parse, check and get a verdict."""

from __future__ import annotations

from pathlib import Path

from dsl.loader import load_text
from verifier.core.result import CheckOptions
from verifier.engines.smtcheck import smt_check

ROOT = Path(__file__).resolve().parent.parent


def _blocks(path: Path) -> list[str]:
    """Fenced blocks without a language tag that contain a role: the model examples."""
    blocks, current = [], None
    for line in path.read_text().splitlines():
        if line.startswith("```"):
            if current is None:
                current = [] if line.strip() == "```" else ["<tagged>"]
            else:
                if current[:1] != ["<tagged>"]:
                    blocks.append("\n".join(current) + "\n")
                current = None
        elif current is not None:
            current.append(line)
    return [b for b in blocks if "role " in b]


def test_readme_tour_and_dsl_doc_example_are_valid_models():
    blocks = _blocks(ROOT / "README.md") + _blocks(ROOT / "docs" / "dsl.md")
    assert len(blocks) >= 2
    for block in blocks:
        model = load_text(block, "doc.cc")
        # Both document ping_closed: the one-step proof applies.
        assert smt_check(model, CheckOptions(bound=3)).verdict.closed


def test_a_comment_with_a_colon_after_a_block_brace_is_not_a_record_literal():
    text = """const M = 2
role P[2] {
  var r: 0..M = 0
  round (r)
  action tick when r < M {   # note: a colon in a comment
    r := r + 1
  }
}
"""
    model = load_text(text)
    assert model.roles[0].edges[0].name == "tick"


def test_readme_python_example_runs(monkeypatch, capsys):
    """The README's library example, executed as written (from the repository root)."""
    text = (ROOT / "README.md").read_text()
    start = text.index("```python\n") + len("```python\n")
    code = text[start : text.index("```", start)]
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out.strip() == "not closed 4"
