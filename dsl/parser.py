"""Parse model text into the syntax tree of :mod:`dsl.ast`.

Two passes: lark's LALR parser builds a parse tree (positions propagated), then
:class:`_ToAst`, a lark ``Transformer`` with ``@v_args(meta=True)``, turns it into frozen
dataclasses with plain ``str`` names and :class:`~dsl.ir.Span` positions.  lark's own
exceptions never leave this module: syntax errors become :class:`~dsl.errors.ModelError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lark import Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError
from lark.lexer import PatternStr

from dsl import ast
from dsl.errors import Diagnostic, ModelError
from dsl.grammar import get_parser
from dsl.ir import Span

# Deeper parse trees are refused before any recursive pass walks them (the transformer and
# the checker recurse once or twice per level; Python's default limit is 1000 frames).
MAX_NESTING = 200

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMMENT_RE = re.compile(r"#[^\n]*")

_BINOPS = {
    "add": "+",
    "sub": "-",
    "mul": "*",
    "div": "/",
    "mod": "%",
    "eq": "=",
    "ne": "!=",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
    "in": "in",
    "union": "union",
    "minus": "minus",
    "inter": "inter",
    "and": "and",
    "or": "or",
    "implies": "=>",
}

_COMPARISONS = {"=", "!=", "<", "<=", ">", ">=", "in"}

_TERMINAL_NAMES = {
    "NAME": "a name",
    "INT": "an integer",
    "RECORD_OPEN": "a record literal",
    "$END": "end of input",
}


def parse(text: str, filename: str = "<string>") -> ast.Module:
    """Parse a whole model; raise ModelError on a syntax error."""
    parser = get_parser()
    try:
        tree = parser.parse(text)
    except UnexpectedInput as exc:
        raise ModelError([_syntax_diagnostic(exc, text, filename)], text) from None
    tree = _rebalance(tree)
    _check_depth(tree, text, filename)
    try:
        return _ToAst(filename, text).transform(tree)
    except VisitError as exc:  # NOTE(visit-error): the one place lark's wrapper is removed
        raise exc.orig_exc from None


# ----------------------------------------------------------------- syntax errors


def _syntax_diagnostic(exc: UnexpectedInput, text: str, filename: str) -> Diagnostic:
    line = getattr(exc, "line", None)
    col = getattr(exc, "column", None)
    if not isinstance(line, int) or line < 1 or not isinstance(col, int) or col < 1:
        line, col = _end_position(text)
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream if isinstance(exc.pos_in_stream, int) else -1
        char = text[pos] if 0 <= pos < len(text) else "?"
        hint = _CHAR_HINTS.get(text[pos : pos + 2] if pos >= 0 else "", _CHAR_HINTS.get(char, ""))
        if not hint and not char.isascii():
            hint = " (identifiers and operators are ASCII)"
        return Diagnostic(
            Span(filename, line, col, line, col + 1), f"unexpected character {char!r}{hint}"
        )
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        acceptable = _acceptable(exc)
        expected = _expected(acceptable)
        if tok.type == "$END":
            line, col = _end_position(text)
            return Diagnostic(
                Span(filename, line, col, line, col),
                f"unexpected end of input; expected {expected}",
            )
        value = str(tok)
        end_col = col + len(value) if "\n" not in value else col + 1
        msg = f"expected {expected}, got {value!r}"
        if acceptable == {"NAME"} and _is_keyword(tok):
            msg += f" ('{value}' is a reserved keyword)"
        elif value == "=" and "':='" in {_display(t) for t in acceptable}:
            msg += " (assignments use ':=')"
        elif value == "=" and tok.start_pos and text[tok.start_pos - 1] == "=":
            msg += " (equality is a single '=')"
        elif value in _COMPARISONS and _chains(exc):
            msg += " (comparisons do not chain: write 'a < b and b < c')"
        return Diagnostic(Span(filename, line, col, line, end_col), msg)
    return Diagnostic(Span(filename, line, col, line, col + 1), "syntax error")


_CHAR_HINTS = {
    "&&": " (write 'and')",
    "||": " (write 'or')",
    "!": " (write 'not', or '!=' for inequality)",
    "&": " (write 'and')",
    "|": " (write 'or')",
    "\ufeff": " (a byte-order mark: save the file as UTF-8 without BOM)",
}


def _chains(exc: UnexpectedToken) -> bool:
    """Whether the unexpected comparison follows a comparison ``a < b`` (a chain): the
    parser then holds ``a``, the operator and ``b`` on its value stack."""
    interactive = getattr(exc, "interactive_parser", None)
    if interactive is None:
        return False
    stack = interactive.parser_state.value_stack
    return (
        len(stack) >= 3
        and isinstance(stack[-2], Token)
        and str(stack[-2]) in _COMPARISONS
        and not isinstance(stack[-1], Token)
    )


def _acceptable(exc: UnexpectedToken) -> set[str]:
    """The terminals that could really come next.  LALR merges lookahead sets, so the
    state's own list (``exc.expected``) can name tokens that would fail one step later;
    the interactive parser tries each one."""
    interactive = getattr(exc, "interactive_parser", None)
    accepted = set(interactive.accepts()) if interactive is not None else set()
    return accepted or set(exc.expected)


def _end_position(text: str) -> tuple[int, int]:
    """Just after the last non-blank character (where something is missing)."""
    lines = text.rstrip().split("\n")
    return len(lines), len(lines[-1]) + 1


def _display(term: str) -> str:
    if term in _TERMINAL_NAMES:
        return _TERMINAL_NAMES[term]
    try:
        pattern = get_parser().get_terminal(term).pattern
    except KeyError:
        return term
    if isinstance(pattern, PatternStr):
        return repr(pattern.value)
    return term.lower()


def _expected(expected: Any, limit: int = 12) -> str:
    shown = sorted({_display(t) for t in expected}, key=lambda s: (not s.startswith("'"), s))
    if len(shown) == 1:
        return shown[0]
    more = len(shown) > limit
    text = ", ".join(shown[:limit])
    return f"one of {text}{', ...' if more else ''}"


def _is_keyword(tok: Token) -> bool:
    if tok.type in ("NAME", "INT", "RECORD_OPEN"):
        return False
    return str(tok).isidentifier()


# Left-associative chains of an associative operator, regrouped into balanced trees so
# that ``a1 and a2 and ... and a10000`` is not 10,000 levels deep (NOTE(depth)).  The
# value is the same: these operators are associative and evaluation has no side effects.
_ASSOCIATIVE = frozenset({"and", "or", "add", "mul", "union", "inter"})
_FLAT_MIN = 16  # shorter chains keep the parser's shape (and their spans)


def _rebalance(tree: Tree) -> Tree:
    """Rebalance every long flat chain of an associative operator in ``tree`` (iteratively:
    the chains are exactly what would overflow a recursive walk)."""
    stack: list[Tree] = [tree]
    while stack:
        node = stack.pop()
        for i, child in enumerate(node.children):
            if not isinstance(child, Tree):
                continue
            if child.data in _ASSOCIATIVE:
                operands = _chain(child)
                if len(operands) >= _FLAT_MIN:
                    child = _balanced(child.data, operands)
                    node.children[i] = child
                    stack.extend(operands)
                    continue
            stack.append(child)
    return tree


def _chain(node: Tree) -> list[Any]:
    """The operands of the left spine of ``node``'s operator, left to right."""
    rights = []
    while isinstance(node, Tree) and len(node.children) == 2:
        op = node.data
        rights.append(node.children[1])
        left = node.children[0]
        if not (isinstance(left, Tree) and left.data == op):
            rights.append(left)
            break
        node = left
    return rights[::-1]


def _balanced(op: str, operands: list[Any]) -> Any:
    level = list(operands)
    while len(level) > 1:
        nxt = [_join(op, level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def _join(op: str, left: Any, right: Any) -> Tree:
    from lark.tree import Meta

    meta = Meta()
    a, b = _meta_of(left), _meta_of(right)
    if a is not None and b is not None:
        meta.empty = False
        meta.line, meta.column, meta.start_pos = a[0], a[1], a[2]
        meta.end_line, meta.end_column, meta.end_pos = b[3], b[4], b[5]
    return Tree(op, [left, right], meta)


def _meta_of(x: Any) -> tuple | None:
    m = x.meta if isinstance(x, Tree) else x
    if getattr(m, "empty", False) or getattr(m, "line", None) is None:
        return None
    return (m.line, m.column, m.start_pos, m.end_line, m.end_column, m.end_pos)


def _check_depth(tree: Tree, text: str, filename: str) -> None:
    stack: list[tuple[Any, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, Tree):
            continue
        if depth > MAX_NESTING:
            meta = node.meta
            span = Span(
                filename,
                getattr(meta, "line", 1),
                getattr(meta, "column", 1),
                getattr(meta, "line", 1),
                getattr(meta, "column", 1) + 1,
            )
            raise ModelError(
                [
                    Diagnostic(
                        span,
                        f"nesting too deep (more than {MAX_NESTING} levels); split the expression",
                    )
                ],
                text,
            )
        stack.extend((child, depth + 1) for child in node.children)


# -------------------------------------------------------------------- tree -> AST


@dataclass(frozen=True)
class _Tuple:
    """A parenthesized tuple of two or more expressions (rounds, candidates)."""

    exprs: tuple[ast.Expr, ...]


def _exprs(node: Any) -> tuple[ast.Expr, ...]:
    return node.exprs if isinstance(node, _Tuple) else (node,)


@v_args(meta=True)
class _ToAst(Transformer):
    """One method per grammar alias; tokens become ``str``/``Ident``, meta becomes Span."""

    def __init__(self, filename: str, text: str):
        super().__init__(visit_tokens=False)
        self._file = filename
        self._text = text

    # -- helpers
    def _span(self, meta: Any) -> Span:
        if getattr(meta, "empty", True):
            return Span(self._file, 1, 1, 1, 1)
        return Span(self._file, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tok_span(self, tok: Token) -> Span:
        # Tokens of the LALR parser always carry positions (propagate_positions=True).
        assert tok.line is not None and tok.column is not None
        line, col = tok.line, tok.column
        return Span(self._file, line, col, tok.end_line or line, tok.end_column or col)

    def _ident(self, tok: Token) -> ast.Ident:
        return ast.Ident(str(tok), self._tok_span(tok))

    # -- declarations
    def model(self, meta, children):
        return ast.Module(tuple(children), self._span(meta))

    def const_decl(self, meta, c):
        return ast.ConstDecl(self._ident(c[0]), c[1], self._span(meta))

    def type_decl(self, meta, c):
        return ast.TypeDecl(self._ident(c[0]), c[1], self._span(meta))

    def message_decl(self, meta, c):
        name, params, rnd = c
        exprs, rspan = (None, None) if rnd is None else rnd
        return ast.MessageDecl(self._ident(name), params or (), exprs, rspan, self._span(meta))

    def role_decl(self, meta, c):
        return ast.RoleDecl(self._ident(c[0]), c[1], tuple(c[2:]), self._span(meta))

    def enum_type(self, meta, c):
        return ast.TEnum(tuple(self._ident(t) for t in c), self._span(meta))

    def record_type(self, meta, c):
        return ast.TRecord(tuple(c), self._span(meta))

    def params(self, meta, c):
        return tuple(c)

    def param(self, meta, c):
        return ast.Param(str(c[0]), c[1], self._tok_span(c[0]))

    def round_clause(self, meta, c):
        return _exprs(c[0]), self._span(meta)

    def tuple(self, meta, c):
        return _Tuple(tuple(c))

    # -- types
    def bool_type(self, meta, c):
        return ast.TBool(self._span(meta))

    def range_type(self, meta, c):
        return ast.TRange(c[0], c[1], self._span(meta))

    def named_type(self, meta, c):
        return ast.TName(str(c[0]), self._span(meta))

    def set_type(self, meta, c):
        return ast.TSet(c[0], self._span(meta))

    def map_type(self, meta, c):
        return ast.TMap(c[0], c[1], self._span(meta))

    def seq_type(self, meta, c):
        return ast.TSeq(c[0], c[1], self._span(meta))

    # -- role items
    def var_item(self, meta, c):
        return ast.VarItem(self._ident(c[0]), c[1], c[2], self._span(meta))

    def round_item(self, meta, c):
        return ast.RoundItem(_exprs(c[0]), self._span(meta))

    def observe_item(self, meta, c):
        return ast.ObserveItem(_exprs(c[0]), self._span(meta))

    def candidates_item(self, meta, c):
        return ast.CandidatesItem(tuple(c), self._span(meta))

    def candidate(self, meta, c):
        text = _COMMENT_RE.sub("", self._text[meta.start_pos : meta.end_pos])
        return ast.CandidateSyntax(" ".join(text.split()), _exprs(c[0]), self._span(meta))

    def action_item(self, meta, c):
        name, params, guard, body = c
        return ast.ActionItem(self._ident(name), params or (), guard, body, self._span(meta))

    def on_item(self, meta, c):
        msg, binds, sender, srole, name, params, guard, body = c
        return ast.OnItem(
            msg=self._ident(msg),
            bindings=binds or (),
            sender=self._ident(sender),
            sender_role=None if srole is None else self._ident(srole),
            name=None if name is None else self._ident(name),
            params=params or (),
            guard=guard,
            body=body,
            span=self._span(meta),
        )

    def _item_text(self, meta, skip: str) -> str:
        text = _COMMENT_RE.sub("", self._text[meta.start_pos : meta.end_pos])
        return " ".join(text.split()).removeprefix(skip).strip()

    def invariant_item(self, meta, c):
        text = self._item_text(meta, "invariant")
        return ast.InvariantItem(text, c[0], None, (), None, None, self._span(meta))

    def msg_invariant_item(self, meta, c):
        msg, binds, sender, srole, expr = c
        return ast.InvariantItem(
            self._item_text(meta, "invariant"),
            expr,
            self._ident(msg),
            binds or (),
            self._ident(sender),
            None if srole is None else self._ident(srole),
            self._span(meta),
        )

    def bindings(self, meta, c):
        return tuple(self._ident(t) for t in c)

    def guard(self, meta, c):
        return c[0]

    # -- statements
    def block(self, meta, c):
        return tuple(c)

    def assign(self, meta, c):
        var, path = c[0]
        return ast.SAssign(var, path, c[1], self._span(meta))

    def lv_name(self, meta, c):
        return self._ident(c[0]), ()

    def lv_index(self, meta, c):
        var, path = c[0]
        return var, path + (ast.LIndex(c[1], self._span(meta)),)

    def lv_field(self, meta, c):
        var, path = c[0]
        return var, path + (ast.LField(str(c[1]), self._tok_span(c[1])),)

    def let(self, meta, c):
        return ast.SLet(self._ident(c[0]), c[1], self._span(meta))

    def if_stmt(self, meta, c):
        cond, then, els = c
        if els is None:
            els = ()
        elif isinstance(els, ast.SIf):
            els = (els,)
        return ast.SIf(cond, then, els, self._span(meta))

    def send(self, meta, c):
        return ast.SSend(self._ident(c[0]), c[1] or (), c[2], self._span(meta))

    def broadcast(self, meta, c):
        return ast.SBroadcast(
            self._ident(c[0]), c[1] or (), self._ident(c[2]), c[3] is not None, self._span(meta)
        )

    def except_self(self, meta, c):
        return True

    def skip(self, meta, c):
        return ast.SSkip(self._span(meta))

    def args(self, meta, c):
        return tuple(c)

    # -- expressions
    def ite(self, meta, c):
        return ast.EIte(c[0], c[1], c[2], self._span(meta))

    def _quant(self, kind: str, meta, c):
        return ast.EQuant(kind, str(c[0]), c[1], c[2], self._tok_span(c[0]), self._span(meta))

    def forall(self, meta, c):
        return self._quant("forall", meta, c)

    def exists(self, meta, c):
        return self._quant("exists", meta, c)

    def count(self, meta, c):
        return self._quant("count", meta, c)

    def not_(self, meta, c):
        return ast.EUnary("not", c[0], self._span(meta))

    def neg(self, meta, c):
        return ast.EUnary("-", c[0], self._span(meta))

    def field(self, meta, c):
        return ast.EField(c[0], str(c[1]), self._tok_span(c[1]), self._span(meta))

    def index(self, meta, c):
        return ast.EIndex(c[0], c[1], self._span(meta))

    def int_lit(self, meta, c):
        return ast.EInt(int(c[0]), self._span(meta))

    def true(self, meta, c):
        return ast.EBool(True, self._span(meta))

    def false(self, meta, c):
        return ast.EBool(False, self._span(meta))

    def self(self, meta, c):
        return ast.ESelf(self._span(meta))

    def name(self, meta, c):
        return ast.EName(str(c[0]), self._span(meta))

    def paren(self, meta, c):
        return c[0]

    def call(self, meta, c):
        return ast.ECall(str(c[0]), c[1] or (), self._tok_span(c[0]), self._span(meta))

    def set_lit(self, meta, c):
        return ast.ESet(c[0] or (), self._span(meta))

    def seq_lit(self, meta, c):
        return ast.ESeq(c[0] or (), self._span(meta))

    def record_lit(self, meta, c):
        tok = c[0]
        name = _NAME_RE.match(str(tok)).group()
        type_span = Span(self._file, tok.line, tok.column, tok.line, tok.column + len(name))
        return ast.ERecord(name, tuple(c[1:]), type_span, self._span(meta))

    def field_init(self, meta, c):
        return ast.FieldInit(str(c[0]), c[1], self._tok_span(c[0]))

    def map_lit(self, meta, c):
        return ast.EMap(str(c[0]), c[1], c[2], self._tok_span(c[0]), self._span(meta))


def _binop(op: str):
    def method(self, meta, c):
        return ast.EBinary(op, c[0], c[1], self._span(meta))

    method.__name__ = op
    return v_args(meta=True)(method)


for _alias, _op in _BINOPS.items():
    setattr(_ToAst, _alias, _binop(_op))
setattr(_ToAst, "not", _ToAst.not_)
