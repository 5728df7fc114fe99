"""Exports: the IR as JSON (``ccverify parse --json``)."""

from __future__ import annotations

import dataclasses
import enum


def ir_json(node: object) -> object:
    """A JSON-able view of an IR node: dataclasses become objects with a ``"node"`` key
    naming their class; spans become ``"file:line:col"``; enums their value."""
    from dsl.ir import Span

    if isinstance(node, Span):
        return str(node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        out: dict[str, object] = {"node": type(node).__name__}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if f.name == "span" and value is None:
                continue
            out[f.name] = ir_json(value)
        return out
    if isinstance(node, enum.Enum):
        return node.value
    if isinstance(node, (tuple, list)):
        return [ir_json(x) for x in node]
    if isinstance(node, dict):
        return {str(k): ir_json(v) for k, v in node.items()}
    return node
