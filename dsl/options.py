"""Rounds and observations given on the command line (``--round``, ``--observe``).

The option text is ``EXPR`` (a model with one role), or ``Role=EXPR`` parts separated by
``;`` (``Proposer=bal;Acceptor=bal``); ``EXPR`` is one expression or a parenthesized tuple,
in the model's own syntax.  Each part is parsed with the model grammar (started at its
``tuple`` rule) and type-checked by the model checker itself, as if it were the role's
``round`` (or ``observe``) clause; with ``--round`` the messages' declared rounds are
dropped first (tags are the ghost values of the new round).  Errors are model errors
(exit 3) whose spans name the option (``--round:1:9``) with a caret into its text.
"""

from __future__ import annotations

import dataclasses
import re

from lark.exceptions import UnexpectedInput, VisitError

from dsl import ast, ir
from dsl.check import check_module
from dsl.errors import Diagnostic, ModelError
from dsl.grammar import get_tuple_parser
from dsl.parser import _exprs, _syntax_diagnostic, _ToAst, parse

_ROLE_PREFIX = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)")


@dataclasses.dataclass(frozen=True)
class RoleExprs:
    """The checked expressions an option gives each role it names, and their texts."""

    exprs: dict[str, tuple[ir.Expr, ...]]
    texts: dict[str, str]


def _fail(flag: str, text: str, col: int, width: int, message: str) -> ModelError:
    span = ir.Span(flag, 1, col, 1, col + max(width, 1))
    return ModelError([Diagnostic(span, message)], text)


def _split(flag: str, text: str, roles: tuple[str, ...]) -> list[tuple[str, int, str]]:
    """``(role, offset, expression text)`` per part of the option."""
    if not text.strip():
        raise _fail(flag, text, 1, 1, f"{flag} needs an expression (or Role=EXPR parts)")
    parts: list[tuple[str, int, str]] = []
    offset = 0
    for chunk in text.split(";"):
        start = offset
        offset += len(chunk) + 1
        if not chunk.strip():
            if len(text.split(";")) > 1:
                raise _fail(flag, text, start + 1, 1, f"empty part in {flag}")
            continue
        m = _ROLE_PREFIX.match(chunk)
        if m and m.group(1) in roles:
            role, body, at = m.group(1), chunk[m.end() :], start + m.end()
        elif m and m.group(1)[:1].isupper() and m.group(1) not in roles:
            raise _fail(
                flag,
                text,
                start + m.start(1) + 1,
                len(m.group(1)),
                f"no role '{m.group(1)}' (the model's roles: {', '.join(roles)})",
            )
        elif len(roles) == 1:
            role, body, at = roles[0], chunk, start
        else:
            lead = len(chunk) - len(chunk.lstrip())
            raise _fail(
                flag,
                text,
                start + lead + 1,
                len(chunk.strip()),
                f"the model has several roles ({', '.join(roles)}): write "
                f"Role=EXPR, parts separated by ';'",
            )
        if not body.strip():
            raise _fail(flag, text, at + 1, 1, f"{flag}: no expression for role '{role}'")
        if any(r == role for r, _, _ in parts):
            raise _fail(flag, text, start + 1, len(chunk), f"role '{role}' is named twice")
        parts.append((role, at, body))
    return parts


def _parse_part(flag: str, text: str, at: int, body: str) -> tuple[ast.Expr, ...]:
    # Padding keeps lark's columns equal to the columns in the whole option text.
    padded = " " * at + body
    try:
        tree = get_tuple_parser().parse(padded)
    except UnexpectedInput as exc:
        diag = _syntax_diagnostic(exc, padded, flag)
        raise ModelError([diag], text) from None
    try:
        node = _ToAst(flag, padded).transform(tree)
    except VisitError as exc:
        raise exc.orig_exc from None
    return _exprs(node)


def check_role_exprs(
    model: ir.Model, flag: str, text: str, overrides: dict[str, int] | None = None
) -> RoleExprs:
    """Parse and type-check the text of ``flag`` (``--round`` or ``--observe``) against
    ``model`` (already loaded from ``model.file``); raise ModelError on a mistake."""
    roles = tuple(r.name for r in model.roles)
    parts = _split(flag, text, roles)
    asts = {role: _parse_part(flag, text, at, body) for role, at, body in parts}
    with open(model.file, encoding="utf-8") as f:
        source = f.read()
    module = parse(source, model.file)
    decls = []
    for d in module.decls:
        if flag == "--round" and isinstance(d, ast.MessageDecl):
            d = dataclasses.replace(d, round=None, round_span=None)
        if isinstance(d, ast.RoleDecl) and d.name.name in asts:
            kind = ast.RoundItem if flag == "--round" else ast.ObserveItem
            given = asts[d.name.name]
            items = tuple(i for i in d.items if not isinstance(i, kind))
            d = dataclasses.replace(d, items=(*items, kind(given, given[0].span)))
        decls.append(d)
    try:
        checked = check_module(
            dataclasses.replace(module, decls=tuple(decls)), model.file, None, overrides
        )
    except ModelError as err:
        mine = [d for d in err.diagnostics if d.span is not None and d.span.file == flag]
        if not mine:  # e.g. another role's declared round no longer has the same length
            where = err.diagnostics[0]
            at = f" (at {where.span})" if where.span is not None else ""
            mine = [
                Diagnostic(
                    ir.Span(flag, 1, 1, 1, len(text) + 1),
                    f"with this {flag}, the model is wrong: {where.message}{at}",
                )
            ]
        raise ModelError(mine, text) from None
    by_name = {r.name: r for r in checked.roles}
    exprs = {
        role: (by_name[role].round if flag == "--round" else by_name[role].observe) or ()
        for role in asts
    }
    texts = {role: " ".join(body.split()) for role, _, body in parts}
    return RoleExprs(exprs, texts)


def strip_message_rounds(model: ir.Model) -> ir.Model:
    """The model without declared message rounds: tags are the ghost values of the
    rounds in use."""
    return dataclasses.replace(
        model, messages=tuple(dataclasses.replace(m, round=None) for m in model.messages)
    )


def with_observe(model: ir.Model, observe: dict[str, tuple[ir.Expr, ...]] | None) -> ir.Model:
    """The model with the observe clauses of the roles ``observe`` names replaced."""
    if not observe:
        return model
    return dataclasses.replace(
        model,
        roles=tuple(
            dataclasses.replace(r, observe=observe[r.name]) if r.name in observe else r
            for r in model.roles
        ),
    )
