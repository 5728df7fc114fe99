"""The repository carries its own account of the semantics: no file cites a document that
is not in it, and the documents the code cites exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEXT = (".py", ".md", ".cc", ".lark", ".toml")


def _files() -> list[Path]:
    skip = {".git", ".venv", "build", "dist"}
    return [
        p
        for p in ROOT.rglob("*")
        if p.is_file() and p.suffix in TEXT and not skip & set(p.relative_to(ROOT).parts)
    ]


def test_no_file_cites_a_design_document_outside_the_repository():
    if not (ROOT / "docs" / "semantics.md").exists():
        pytest.skip("not a source checkout")
    cited = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in _files()
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"DESIGN\.md|\.\./shared/", line) and p.name != "test_repository.py"
    ]
    assert cited == []


def test_cited_docs_exist():
    if not (ROOT / "docs").is_dir():
        pytest.skip("not a source checkout")
    missing = set()
    for p in _files():
        for name in re.findall(r"docs/([a-z_-]+\.md)", p.read_text(encoding="utf-8")):
            if not (ROOT / "docs" / name).exists():
                missing.add(f"{p.relative_to(ROOT)} -> docs/{name}")
    assert sorted(missing) == []
