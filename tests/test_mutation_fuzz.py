"""Mutation fuzzing of the whole command (issue 14): the examples mutated by deleting,
duplicating or swapping a token, or changing a number or a name, then checked.

Whatever the mutant, ``ccverify check`` must end with an ordinary exit code (0 closed,
2 usage, 3 model error, 5 unknown, 10 not closed) and never print a traceback.  The slow
test runs at least 3,000 mutants; the default suite keeps a deterministic sample of 100.
Mutants run in-process through :func:`verifier.cli.main` (a subprocess each would cost a
second of start-up); a small bound and a time limit keep every run short.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from verifier.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ALLOWED = {0, 2, 3, 5, 10}

_TOKEN = re.compile(r"\s+|#[^\n]*|[A-Za-z_][A-Za-z0-9_]*|[0-9]+|:=|\.\.|\|->|=>|!=|<=|>=|.", re.S)
_NUMBERS = ("0", "1", "2", "3", "-1", "7", "100", "100000", "99999999999")
_NAMES = ("x", "N", "P", "r", "self", "true", "zz", "round", "msg", "count")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _significant(toks: list[str]) -> list[int]:
    return [i for i, t in enumerate(toks) if t.strip() and not t.startswith("#")]


def mutate(text: str, rng: random.Random) -> tuple[str, str]:
    """One mutant of ``text`` and a description of the mutation."""
    toks = tokens(text)
    sig = _significant(toks)
    kind = rng.choice(("delete", "duplicate", "swap", "number", "name"))
    i = rng.choice(sig)
    if kind == "delete":
        toks[i] = ""
    elif kind == "duplicate":
        toks[i] = toks[i] + " " + toks[i]
    elif kind == "swap":
        k = sig.index(i)
        j = sig[k + 1] if k + 1 < len(sig) else sig[k - 1]
        toks[i], toks[j] = toks[j], toks[i]
    elif kind == "number":
        nums = [k for k in sig if toks[k].isdigit()]
        i = rng.choice(nums) if nums else i
        toks[i] = rng.choice(_NUMBERS)
    else:
        names = [k for k in sig if toks[k][0].isalpha() or toks[k][0] == "_"]
        i = rng.choice(names) if names else i
        pool = sorted({toks[k] for k in names}) + list(_NAMES)
        toks[i] = rng.choice(pool)
    return "".join(toks), f"{kind} at token {i}"


SEEDS = sorted(EXAMPLES.glob("*.cc"))


def mutants(count: int, seed: int) -> list[tuple[str, str, str]]:
    """``count`` mutants (example name, text, mutation), the same for the same seed."""
    rng = random.Random(seed)
    texts = {p.name: p.read_text() for p in SEEDS}
    out = []
    for n in range(count):
        name = SEEDS[n % len(SEEDS)].name
        text, how = mutate(texts[name], rng)
        out.append((name, text, how))
    return out


def _check(tmp_path: Path, capsys, k: int, name: str, text: str, how: str) -> None:
    path = tmp_path / f"m{k}_{name}"
    path.write_text(text)
    engine = "smt" if k % 2 == 0 else "explicit"
    args = ["check", str(path), "--bound", "2", "--timeout", "5", "-q", "--engine", engine]
    code = main(args)
    out, err = capsys.readouterr()
    where = f"mutant {k} of {name} ({how}, engine {engine})"
    assert "Traceback" not in out + err, f"{where}:\n{err}"
    assert code in ALLOWED, f"{where}: exit {code}\n{err}"


SAMPLE = mutants(100, seed=14)


@pytest.mark.parametrize("k", range(len(SAMPLE)))
def test_mutant_sample(k, tmp_path, capsys):
    _check(tmp_path, capsys, k, *SAMPLE[k])


@pytest.mark.slow
def test_many_mutants(tmp_path, capsys):
    """At least 3,000 mutants (another seed than the sample's)."""
    batch = mutants(3000, seed=2026)
    for k, (name, text, how) in enumerate(batch):
        _check(tmp_path, capsys, k, name, text, how)
    assert len(batch) >= 3000
