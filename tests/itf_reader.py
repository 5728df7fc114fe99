"""A small ITF reader written from the text of Apalache ADR-015, independent of ccverify.

It shares no code with ``verifier.output.itf``: it reads JSON text into plain Python values
(``#bigint`` -> int, ``#tup`` -> tuple, ``#set`` -> frozenset, ``#map`` -> dict, lists ->
tuple, records -> :class:`Record`, variants -> :class:`Variant`) and enforces the ADR's
rules that a JSON Schema cannot: every state defines every name of ``vars``, the initial
state every name of ``params``, ``loop`` indexes a state; and the revision's rule that
integers are ``#bigint`` only.  The tests use it to read ccverify's traces back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


class ITFError(ValueError):
    """The text is not an ITF trace."""


@dataclass(frozen=True)
class Variant:
    tag: str
    value: Any


class Record(dict):
    """A record: field name -> value (hashable, so it can be a map key or set element)."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=lambda kv: kv[0])))


@dataclass(frozen=True)
class State:
    meta: dict
    values: dict


@dataclass(frozen=True)
class ITFTrace:
    meta: dict
    params: tuple[str, ...]
    vars: tuple[str, ...]
    states: tuple[State, ...]
    loop: int | None


def _freeze(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def expr(raw: Any, where: str = "expr") -> Any:
    """One ITF expression as a Python value."""
    if isinstance(raw, (bool, str)):
        return raw
    if isinstance(raw, (int, float)):
        raise ITFError(f"{where}: a JSON number ({raw!r}); integers must be {{'#bigint': ...}}")
    if isinstance(raw, list):
        return tuple(expr(x, f"{where}[{i}]") for i, x in enumerate(raw))
    if not isinstance(raw, dict):
        raise ITFError(f"{where}: not an ITF expression: {raw!r}")
    special = [k for k in raw if k.startswith("#")]
    if special:
        if len(raw) != 1:
            raise ITFError(f"{where}: {special[0]} with other keys {sorted(raw)}")
        key, body = special[0], raw[special[0]]
        if key == "#bigint":
            if not isinstance(body, str) or not body.lstrip("-").isdigit() or body.count("-") > 1:
                raise ITFError(f"{where}: bad #bigint {body!r}")
            if body.startswith("-") and len(body) == 1:
                raise ITFError(f"{where}: bad #bigint {body!r}")
            return int(body)
        if key in ("#tup", "#set", "#map") and not isinstance(body, list):
            raise ITFError(f"{where}: {key} needs an array")
        if key == "#tup":
            return tuple(expr(x, f"{where}.#tup[{i}]") for i, x in enumerate(body))
        if key == "#set":
            return frozenset(expr(x, f"{where}.#set[{i}]") for i, x in enumerate(body))
        if key == "#map":
            out = {}
            for i, pair in enumerate(body):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise ITFError(f"{where}.#map[{i}]: not a [key, value] pair")
                out[expr(pair[0], f"{where}.#map[{i}][0]")] = expr(pair[1], f"{where}.#map[{i}][1]")
            return out
        if key == "#unserializable":
            return Variant("#unserializable", body)
        raise ITFError(f"{where}: unknown form {key}")
    if set(raw) == {"tag", "value"} and isinstance(raw["tag"], str):
        return Variant(raw["tag"], expr(raw["value"], f"{where}.value"))
    return Record({k: expr(v, f"{where}.{k}") for k, v in raw.items()})


def read(text: str) -> ITFTrace:
    """Parse ``text`` as an ITF trace, or raise :class:`ITFError`."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise ITFError(f"not JSON: {err}") from None
    if not isinstance(raw, dict):
        raise ITFError("a trace is a JSON object")
    extra = set(raw) - {"#meta", "params", "vars", "states", "loop"}
    if extra:
        raise ITFError(f"unknown trace fields {sorted(extra)}")
    meta = raw.get("#meta", {})
    params = raw.get("params", [])
    names = raw.get("vars")
    states = raw.get("states")
    if not isinstance(meta, dict):
        raise ITFError("#meta must be an object")
    for what, lst in (("params", params), ("vars", names)):
        if not isinstance(lst, list) or not all(isinstance(n, str) for n in lst):
            raise ITFError(f"{what} must be an array of strings")
    if not isinstance(states, list):
        raise ITFError("states must be an array")
    out = []
    for i, st in enumerate(states):
        if not isinstance(st, dict):
            raise ITFError(f"state {i} is not an object")
        missing = set(names) - set(st)
        if i == 0:
            missing |= set(params) - set(st)
        if missing:
            raise ITFError(f"state {i} does not define {sorted(missing)}")
        smeta = st.get("#meta", {})
        if not isinstance(smeta, dict):
            raise ITFError(f"state {i}: #meta must be an object")
        values = {k: expr(v, f"states[{i}].{k}") for k, v in st.items() if k != "#meta"}
        out.append(State(smeta, values))
    loop = raw.get("loop")
    if loop is not None and (type(loop) is not int or not 0 <= loop < len(out)):
        raise ITFError(f"loop {loop!r} is not the index of a state")
    return ITFTrace(meta, tuple(params), tuple(names), tuple(out), loop)
