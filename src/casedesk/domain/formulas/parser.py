"""A small spreadsheet-like formula language, as Tines uses for closure conditions.

`=SIZE(team_case.assignees) > 0 && INCLUDES(team_case.tags, "triaged")`

A hand-written tokenizer and precedence-climbing parser build a tree once (when the formula is
stored); the tree is evaluated against a JSON-like context (dicts, lists, strings, numbers,
booleans, None). Nothing is ever handed to Python's `eval`. Input is bounded in length, nesting
depth and evaluation steps, and every value a formula builds is bounded in size, so a hostile
formula fails fast with `FormulaError` instead of exhausting the server.

Semantics follow Tines: only `FALSE` and `NULL` are falsy (`[]`, `""` and `0` are truthy);
a missing path or index reads as `NULL`; `=` is strict equality (no coercion between types,
except that numbers compare by value and number-like text compares with numbers as numbers).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from casedesk.domain.formulas.values import (
    NUMBER_MAX,
    FormulaError,
    as_number,
    blank,
    checked_number,
    checked_text,
    compare,
    equal,
    includes,
    is_empty,
    kind_of,
    size,
    text_of,
    truthy,
)

FORMULA_MAX = 2000  # characters
DEPTH_MAX = 40  # nested sub-expressions (parentheses, calls, arrays, operators)
TOKENS_MAX = 1000
STEPS_MAX = 20_000  # tree nodes visited in one evaluation

ROOTS = frozenset({"team_case"})
__all__ = ["Formula", "FormulaError", "parse"]


# -- tokens ------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>&&|\|\||==|!=|<>|>=|<=|[=<>+\-*/&!().,\[\]{}:])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "/": "/"}


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, name, op, end
    text: str
    value: Any = None
    at: int = 0


def _unescape(body: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise FormulaError(f"unexpected character {text[pos]!r} at position {pos + 1}")
        kind = match.lastgroup or ""
        raw = match.group()
        if kind == "number":
            number = float(raw)
            value: Any = int(raw) if raw.isdigit() else number
            if not math.isfinite(number) or abs(number) > NUMBER_MAX:
                raise FormulaError(f"number {raw[:20]} is too large")
            tokens.append(Token("number", raw, value, pos))
        elif kind == "string":
            tokens.append(Token("string", raw, _unescape(raw[1:-1]), pos))
        elif kind in ("name", "op"):
            tokens.append(Token(kind, raw, None, pos))
        pos = match.end()
        if len(tokens) > TOKENS_MAX:
            raise FormulaError(f"a formula holds at most {TOKENS_MAX} tokens")
    tokens.append(Token("end", "", None, len(text)))
    return tokens


# -- syntax tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    kind: str  # literal, path, array, object, index, unary, binary, logic, call
    value: Any = None
    children: tuple[Node, ...] = ()


BINARY_LEVELS: list[frozenset[str]] = [
    frozenset({"||", "OR"}),
    frozenset({"&&", "AND"}),
    frozenset({"=", "==", "!=", "<>", ">", ">=", "<", "<="}),
    frozenset({"&"}),
    frozenset({"+", "-"}),
    frozenset({"*", "/"}),
]
KEYWORD_OPERATORS = frozenset({"AND", "OR"})


class Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        token = self.advance()
        if token.text != text:
            found = repr(token.text) if token.text else "the end"
            raise FormulaError(f"expected {text!r} at position {token.at + 1}, found {found}")

    def nested(self) -> None:
        self.depth += 1
        if self.depth > DEPTH_MAX:
            raise FormulaError(f"a formula nests at most {DEPTH_MAX} levels deep")

    def parse(self) -> Node:
        node = self.expression(0)
        if self.current.kind != "end":
            raise FormulaError(f"unexpected {self.current.text!r} at position {self.current.at + 1}")
        return node

    def expression(self, level: int) -> Node:
        if level == len(BINARY_LEVELS):
            return self.unary()
        left = self.expression(level + 1)
        operators = BINARY_LEVELS[level]
        while self.current.kind in ("op", "name") and self.current.text in operators:
            operator = self.advance().text
            right = self.expression(level + 1)
            if operator in ("||", "OR", "&&", "AND"):
                left = Node("logic", "or" if operator in ("||", "OR") else "and", (left, right))
            else:
                left = Node("binary", operator, (left, right))
        return left

    def unary(self) -> Node:
        if self.current.text in ("-", "+", "!"):
            operator = self.advance().text
            self.nested()
            operand = self.unary()
            self.depth -= 1
            return Node("unary", operator, (operand,))
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while self.current.text in (".", "["):
            if self.advance().text == ".":
                token = self.advance()
                if token.kind not in ("name", "number"):
                    raise FormulaError(f"expected a member name at position {token.at + 1}")
                node = Node("index", None, (node, Node("literal", token.text)))
            else:
                self.nested()
                key = self.expression(0)
                self.expect("]")
                self.depth -= 1
                node = Node("index", None, (node, key))
        return node

    def primary(self) -> Node:
        token = self.advance()
        if token.kind in ("number", "string"):
            return Node("literal", token.value)
        if token.text == "(":
            self.nested()
            node = self.expression(0)
            self.expect(")")
            self.depth -= 1
            return node
        if token.text == "[":
            return Node("array", None, self.items("]"))
        if token.text == "{":
            return self.object_literal()
        if token.kind == "name":
            return self.name(token)
        found = repr(token.text) if token.text else "the end"
        raise FormulaError(f"unexpected {found} at position {token.at + 1}")

    def items(self, closing: str) -> tuple[Node, ...]:
        self.nested()
        items: list[Node] = []
        if self.current.text != closing:
            items.append(self.expression(0))
            while self.current.text == ",":
                self.advance()
                items.append(self.expression(0))
        self.expect(closing)
        self.depth -= 1
        return tuple(items)

    def object_literal(self) -> Node:
        self.nested()
        pairs: list[Node] = []
        while self.current.text != "}":
            if pairs:
                self.expect(",")
            key = self.advance()
            if key.kind not in ("string", "name"):
                raise FormulaError(f"expected an object key at position {key.at + 1}")
            self.expect(":")
            name = key.value if key.kind == "string" else key.text
            pairs.append(Node("array", None, (Node("literal", name), self.expression(0))))
        self.expect("}")
        self.depth -= 1
        return Node("object", None, tuple(pairs))

    def name(self, token: Token) -> Node:
        word = token.text
        if word in ("TRUE", "FALSE", "NULL"):
            return Node("literal", {"TRUE": True, "FALSE": False, "NULL": None}[word])
        if self.current.text == "(":
            if word not in FUNCTIONS:
                raise FormulaError(f"unknown function {word}")
            self.advance()
            args = self.items(")")
            low, high = FUNCTIONS[word].arity
            if not low <= len(args) <= high:
                raise FormulaError(f"{word} takes {_arity_text(low, high)}, not {len(args)}")
            return Node("call", word, args)
        if word in KEYWORD_OPERATORS:
            raise FormulaError(f"unexpected {word} at position {token.at + 1}")
        if word not in ROOTS:
            raise FormulaError(f"unknown name {word!r}; formulas read {', '.join(sorted(ROOTS))}")
        return Node("path", word)


def _arity_text(low: int, high: int) -> str:
    if low == high:
        return f"{low} argument{'s' if low != 1 else ''}"
    return f"{low} to {high} arguments"


@dataclass(frozen=True)
class Formula:
    """A parsed formula; `text` is what was given (with its leading `=`, if any)."""

    text: str
    tree: Node

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        return Evaluator(context).run(self.tree)

    def holds(self, context: Mapping[str, Any]) -> bool:
        """Whether the formula's value is truthy (anything but FALSE and NULL)."""
        return truthy(self.evaluate(context))


def parse(text: str) -> Formula:
    if len(text) > FORMULA_MAX:
        raise FormulaError(f"a formula is at most {FORMULA_MAX} characters")
    body = text.strip()
    if body.startswith("="):
        body = body[1:]
    if not body.strip():
        raise FormulaError("the formula is empty")
    return Formula(text, Parser(tokenize(body)).parse())


@dataclass(frozen=True)
class Function:
    arity: tuple[int, int]
    run: Callable[[list[Any]], Any] | None = None  # None: evaluated lazily by the evaluator


FUNCTIONS: dict[str, Function] = {
    "SIZE": Function((1, 1), lambda a: size(a[0])),
    "IS_BLANK": Function((1, 1), lambda a: blank(a[0])),
    "IS_PRESENT": Function((1, 1), lambda a: not blank(a[0])),
    "IS_EMPTY": Function((1, 1), lambda a: is_empty(a[0])),
    "INCLUDES": Function((2, 2), lambda a: includes(a[0], a[1])),
    "NOT": Function((1, 1), lambda a: not truthy(a[0])),
    "ARRAY": Function((0, 1000), lambda a: list(a)),
    "UPCASE": Function((1, 1), lambda a: text_of(a[0]).upper()),
    "DOWNCASE": Function((1, 1), lambda a: text_of(a[0]).lower()),
    "IF": Function((2, 3)),
}


# -- evaluation --------------------------------------------------------------------------


class Evaluator:
    def __init__(self, context: Mapping[str, Any]) -> None:
        self.context = context
        self.steps = 0

    def run(self, node: Node) -> Any:
        self.steps += 1
        if self.steps > STEPS_MAX:
            raise FormulaError("the formula takes too long to evaluate")
        kind = node.kind
        if kind == "literal":
            return node.value
        if kind == "path":
            return self.context.get(node.value)
        if kind == "array":
            return [self.run(child) for child in node.children]
        if kind == "object":
            pairs = [self.run(child) for child in node.children]
            return {text_of(key): value for key, value in pairs}
        if kind == "index":
            return self.index(self.run(node.children[0]), self.run(node.children[1]))
        if kind == "unary":
            return self.unary(node.value, self.run(node.children[0]))
        if kind == "logic":
            left = truthy(self.run(node.children[0]))
            if (node.value == "and" and not left) or (node.value == "or" and left):
                return left
            return truthy(self.run(node.children[1]))
        if kind == "binary":
            return self.binary(node.value, self.run(node.children[0]), self.run(node.children[1]))
        return self.call(node)

    @staticmethod
    def index(container: Any, key: Any) -> Any:
        if isinstance(container, dict):
            return container.get(text_of(key)) if not isinstance(key, list | dict) else None
        if isinstance(container, list):
            position = as_number(key)
            if position is None or not float(position).is_integer():
                return None
            i = int(position)
            return container[i] if -len(container) <= i < len(container) else None
        return None

    @staticmethod
    def unary(operator: str, value: Any) -> Any:
        if operator == "!":
            return not truthy(value)
        number = as_number(value)
        if number is None:
            raise FormulaError(f"cannot negate {kind_of(value)}")
        return -number if operator == "-" else number

    def binary(self, operator: str, left: Any, right: Any) -> Any:
        if operator in ("=", "=="):
            return equal(left, right)
        if operator in ("!=", "<>"):
            return not equal(left, right)
        if operator in (">", ">=", "<", "<="):
            return compare(operator, left, right)
        if operator == "&":
            return checked_text(text_of(left) + text_of(right))
        a, b = as_number(left), as_number(right)
        if a is None or b is None:
            raise FormulaError(f"cannot apply {operator} to {kind_of(left)} and {kind_of(right)}")
        if operator == "+":
            return checked_number(a + b)
        if operator == "-":
            return checked_number(a - b)
        if operator == "*":
            return checked_number(a * b)
        if b == 0:
            raise FormulaError("division by zero")
        return checked_number(a / b)

    def call(self, node: Node) -> Any:
        name = node.value
        if name == "IF":
            condition = truthy(self.run(node.children[0]))
            if condition:
                return self.run(node.children[1])
            return self.run(node.children[2]) if len(node.children) > 2 else None
        function = FUNCTIONS[name]
        assert function.run is not None
        return function.run([self.run(child) for child in node.children])
