"""A small, safe expression language for custom KPI definitions.

Expressions are Python-like (``csat >= 4 and touchpoint == 'delivery'``) and parsed with
:mod:`ast` into Ibis expressions; only column names, literals, comparisons, ``and``/``or``/
``not``, arithmetic, ``in [...]``, ``is None`` and a few functions are allowed:

- ``hours(start, end)`` — calendar hours between two time columns;
- ``coalesce(a, b)`` — the first value that is not missing;
- ``followed_by(table, days)`` — the row's customer has a row in ``table`` within
  ``days`` days after this row's event time (e.g. a complaint within 14 days of an order).
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

import ibis
import ibis.expr.types as ir

from kundepuls.kit.errors import KundepulsError
from kundepuls.kpis.dimensions import suggest

EVENT_TIME = {
    "responses": "submitted_at",
    "orders": "ordered_at",
    "tickets": "created_at",
    "complaints": "created_at",
    "invitations": "sent_at",
}
ROW_ID = {
    "responses": "response_id",
    "orders": "order_id",
    "tickets": "ticket_id",
    "complaints": "complaint_id",
    "invitations": "invitation_id",
}

_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


class DefinitionError(KundepulsError):
    """A custom KPI definition that cannot be used; the message names the field."""

    status_code = 422


def parse(text: str, where: str) -> ast.expr:
    """Parse ``text`` (checked for syntax only); ``where`` names the field for errors."""
    try:
        return ast.parse(str(text), mode="eval").body
    except SyntaxError as error:
        raise DefinitionError(f"{where}: cannot read {text!r} ({error.msg})") from None


def compile_expr(text: str, where: str) -> Callable[[ir.Table], ir.Value]:
    """An expression callable over a fact table (validated against it when called)."""
    tree = parse(text, where)
    _Builder(None, where).check(tree)
    return lambda t: _Builder(t, where).build(tree)


class _Builder:
    def __init__(self, table: ir.Table | None, where: str) -> None:
        self.t = table
        self.where = where

    def fail(self, message: str) -> DefinitionError:
        return DefinitionError(f"{self.where}: {message}")

    def check(self, node: ast.AST) -> None:
        """Reject anything outside the language before any table is at hand."""
        allowed = (
            ast.Compare, ast.BoolOp, ast.UnaryOp, ast.BinOp, ast.Name, ast.Constant,
            ast.Call, ast.List, ast.Tuple, ast.Load, ast.And, ast.Or, ast.Not, ast.USub,
            ast.In, ast.NotIn, ast.Is, ast.IsNot, *_COMPARE, *_ARITHMETIC,
        )  # fmt: skip
        for child in ast.walk(node):
            if not isinstance(child, allowed):
                raise self.fail(f"{type(child).__name__} is not allowed in an expression")
            if isinstance(child, ast.Call) and (
                not isinstance(child.func, ast.Name) or child.func.id not in _FUNCTIONS
            ):
                raise self.fail(f"unknown function; use one of {', '.join(_FUNCTIONS)}")

    def build(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return ibis.literal(node.value) if node.value is not None else None
        if isinstance(node, ast.Name):
            return self.column(node.id)
        if isinstance(node, ast.BoolOp):
            values = [self.build(v) for v in node.values]
            out = values[0]
            for value in values[1:]:
                out = (out & value) if isinstance(node.op, ast.And) else (out | value)
            return out
        if isinstance(node, ast.UnaryOp):
            value = self.build(node.operand)
            return ~value if isinstance(node.op, ast.Not) else -value
        if isinstance(node, ast.BinOp):
            return _ARITHMETIC[type(node.op)](self.build(node.left), self.build(node.right))
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            return _FUNCTIONS[node.func.id](self, node.args)
        raise self.fail(f"cannot use {ast.unparse(node)!r} here")

    def compare(self, node: ast.Compare) -> Any:
        left, out = self.build(node.left), None
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.Is | ast.IsNot):
                part = left.isnull() if isinstance(op, ast.Is) else left.notnull()
            elif isinstance(op, ast.In | ast.NotIn):
                if not isinstance(right_node, ast.List | ast.Tuple):
                    raise self.fail("'in' needs a list of values, e.g. region in ['Nord']")
                values = [ast.literal_eval(v) for v in right_node.elts]
                part = left.isin(values) if isinstance(op, ast.In) else left.notin(values)
            else:
                right = self.build(right_node)
                part = _COMPARE[type(op)](left, right)
                left = right
            out = part if out is None else (out & part)
        return out

    def column(self, name: str) -> ir.Value:
        assert self.t is not None
        if name not in self.t.columns:
            visible = [c for c in self.t.columns if not c.startswith("_")]
            raise self.fail(f"unknown column {name!r}{suggest(name, visible)}")
        return self.t[name]

    def hours(self, args: list[ast.expr]) -> ir.Value:
        if len(args) != 2:
            raise self.fail("hours(start, end) takes two time columns")
        start, end = self.build(args[0]), self.build(args[1])
        return (end.epoch_seconds() - start.epoch_seconds()).cast("float64") / 3600.0

    def coalesce(self, args: list[ast.expr]) -> ir.Value:
        return ibis.coalesce(*(self.build(a) for a in args))

    def followed_by(self, args: list[ast.expr]) -> ir.Value:
        if len(args) != 2 or not isinstance(args[0], ast.Name):
            raise self.fail("followed_by(table, days), e.g. followed_by(complaints, 14)")
        other, days = args[0].id, ast.literal_eval(args[1])
        assert self.t is not None
        if other not in EVENT_TIME:
            raise self.fail(f"unknown table {other!r}{suggest(other, EVENT_TIME)}")
        own_id = next((c for c in ROW_ID.values() if c in self.t.columns), None)
        if own_id is None or "customer_id" not in self.t.columns:
            raise self.fail("followed_by needs rows with an id and a customer_id")
        later = self.t.get_backend().table(other)
        later = later.select(_oc=later.customer_id, _ot=later[EVENT_TIME[other]])
        rows = self.t.select(_id=self.t[own_id], _c=self.t.customer_id, _s=self.t._t)
        window = ibis.interval(days=int(days))
        hits = rows.join(
            later, [rows._c == later._oc, later._ot >= rows._s, later._ot <= rows._s + window]
        )
        return self.t[own_id].isin(hits.select("_id")._id)


_FUNCTIONS: dict[str, Callable[[_Builder, list[ast.expr]], Any]] = {
    "hours": _Builder.hours,
    "coalesce": _Builder.coalesce,
    "followed_by": _Builder.followed_by,
}
