"""CloudWatch Logs filter patterns (subscription filters), as AWS matches them against log events.

``compile_pattern(text)`` returns a ``Pattern`` whose ``matches(message)`` says whether a log
event's message matches; a pattern outside the supported syntax raises ``ValueError`` (so
PutSubscriptionFilter refuses it instead of matching silently). moto 5.2.1 has a matcher for plain
terms only (``moto.logs.utils.EventMessageFilter``: a JSON pattern matches everything), so this one
is the emulator's. Supported:

- ``""`` (or blanks): every event.
- Terms, case-sensitive, anywhere in the message: ``ERROR``, ``"exact phrase"``, several terms
  (all must appear), ``-term`` (must not appear), ``?term`` (at least one of the ``?`` terms must
  appear), ``%regex%`` (Python ``re.search``).
- JSON patterns on events whose message is a JSON object: ``{ $.a.b = "text" }``, ``$.list[0].x``;
  ``=`` / ``!=`` with a quoted string, a bare word or a ``%regex%`` (``*`` in strings matches any
  run of characters); ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` with a number;
  ``IS TRUE | FALSE | NULL``, ``NOT EXISTS``, ``EXISTS``; ``&&`` (binds tighter), ``||``,
  parentheses. A selector that is absent, or holds a value of another type, matches no comparison
  (not even ``!=``).

Not supported (ValueError): space-delimited patterns (``[ip, user, ...]``), ``$.*`` selectors.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable

_MISSING = object()


class Pattern:
    def __init__(self, text: str, test: Callable[[str], bool]) -> None:
        self.text = text
        self._test = test

    def matches(self, message: str) -> bool:
        return self._test(message)


def compile_pattern(text: str | None) -> Pattern:
    source = (text or "").strip()
    if not source:
        return Pattern("", lambda _message: True)
    if source.startswith("{"):
        return Pattern(source, _json_pattern(source))
    if source.startswith("["):
        raise ValueError(f"space-delimited filter patterns are not supported by the emulator: {source}")
    return Pattern(source, _term_pattern(source))


# --------------------------------------------------------------------------- terms


def _term_matcher(token: str) -> Callable[[str], bool]:
    if len(token) >= 2 and token.startswith("%") and token.endswith("%"):
        regex = re.compile(token[1:-1])
        return lambda message: regex.search(message) is not None
    if token.startswith('"'):
        try:
            phrase = json.loads(token)
        except ValueError:
            raise ValueError(f"unterminated quoted term {token}") from None
        return lambda message: phrase in message
    return lambda message: token in message


def _term_pattern(source: str) -> Callable[[str], bool]:
    required: list[Callable[[str], bool]] = []
    excluded: list[Callable[[str], bool]] = []
    optional: list[Callable[[str], bool]] = []
    for match in re.finditer(r'\s*([?-]?)("(?:[^"\\]|\\.)*"?|%[^%]*%|[^\s"]+)', source):
        prefix, token = match.group(1), match.group(2)
        matcher = _term_matcher(token)
        (excluded if prefix == "-" else optional if prefix == "?" else required).append(matcher)

    def test(message: str) -> bool:
        if not all(m(message) for m in required) or any(m(message) for m in excluded):
            return False
        return not optional or any(m(message) for m in optional)

    return test


# --------------------------------------------------------------------------- JSON


@dataclass
class _Token:
    kind: str  # selector, op, and, or, lparen, rparen, string, number, regex, word
    text: str
    value: Any = None


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<selector>\$(?:\.[A-Za-z0-9_@-]+|\[\d+\])+)
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<and>&&)
    | (?P<or>\|\|)
    | (?P<lparen>\()
    | (?P<rparen>\))
    | (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<regex>%[^%]*%)
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![^\s)&|]))
    | (?P<word>[^\s()&|"=<>!]+)
    )""",
    re.VERBOSE,
)


def _tokenize(body: str, source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(body):
        if body[position:].strip() == "":
            break
        match = _TOKEN.match(body, position)
        if match is None or match.lastgroup is None:
            raise ValueError(f"invalid filter pattern {source} at {body[position:].strip()[:20]!r}")
        kind, text = match.lastgroup, match.group(match.lastgroup)
        value: Any = None
        if kind == "string":
            value = json.loads(text)
        elif kind == "number":
            value = float(text)
        elif kind == "selector":
            value = re.findall(r"\.([A-Za-z0-9_@-]+)|\[(\d+)\]", text)
            value = [name if name else int(index) for name, index in value]
        tokens.append(_Token(kind, text, value))
        position = match.end()
    return tokens


def _lookup(document: Any, path: list[Any]) -> Any:
    value = document
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return _MISSING
            value = value[step]
        else:
            if not isinstance(value, dict) or step not in value:
                return _MISSING
            value = value[step]
    return value


def _string_test(token: _Token) -> Callable[[str], bool]:
    if token.kind == "regex":
        regex = re.compile(token.text[1:-1])
        return lambda value: regex.search(value) is not None
    text = token.value if token.kind == "string" else token.text
    if "*" in text:
        regex = re.compile("".join(".*" if c == "*" else re.escape(c) for c in text), re.DOTALL)
        return lambda value: regex.fullmatch(value) is not None
    return lambda value: value == text


_NUMERIC = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


class _Parser:
    def __init__(self, tokens: list[_Token], source: str) -> None:
        self.tokens = tokens
        self.index = 0
        self.source = source

    def fail(self, why: str) -> ValueError:
        return ValueError(f"invalid filter pattern {self.source}: {why}")

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, *kinds: str) -> _Token:
        token = self.peek()
        if token is None or (kinds and token.kind not in kinds):
            found = token.text if token else "the end"
            raise self.fail(f"expected {' or '.join(kinds)}, found {found}")
        self.index += 1
        return token

    def parse(self) -> Callable[[Any], bool]:
        expression = self.disjunction()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek().text}")  # type: ignore[union-attr]
        return expression

    def disjunction(self) -> Callable[[Any], bool]:
        parts = [self.conjunction()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take("or")
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda doc: any(p(doc) for p in parts))

    def conjunction(self) -> Callable[[Any], bool]:
        parts = [self.unary()]
        while (token := self.peek()) is not None and token.kind == "and":
            self.take("and")
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else (lambda doc: all(p(doc) for p in parts))

    def unary(self) -> Callable[[Any], bool]:
        token = self.peek()
        if token is not None and token.kind == "lparen":
            self.take("lparen")
            inner = self.disjunction()
            self.take("rparen")
            return inner
        return self.comparison()

    def comparison(self) -> Callable[[Any], bool]:
        path = self.take("selector").value
        token = self.take("op", "word")
        if token.kind == "word":
            return self.keyword(path, token.text)
        operator = token.text
        value = self.take("string", "number", "regex", "word")
        if value.kind == "number":
            check = _NUMERIC[operator]
            number = value.value

            def numeric(doc: Any) -> bool:
                found = _lookup(doc, path)
                return isinstance(found, (int, float)) and not isinstance(found, bool) and check(found, number)

            return numeric
        if operator not in ("=", "!="):
            raise self.fail(f"{operator} needs a number, found {value.text}")
        if value.kind == "word" and value.text.upper() in ("TRUE", "FALSE", "NULL", "EXISTS", "NOT", "IS"):
            raise self.fail(f"{value.text} is a keyword; use IS TRUE / IS FALSE / IS NULL / NOT EXISTS")
        test = _string_test(value)
        negate = operator == "!="

        def textual(doc: Any) -> bool:
            found = _lookup(doc, path)
            return isinstance(found, str) and test(found) != negate

        return textual

    def keyword(self, path: list[Any], word: str) -> Callable[[Any], bool]:
        word = word.upper()
        if word == "EXISTS":
            return lambda doc: _lookup(doc, path) is not _MISSING
        if word == "NOT":
            if self.take("word").text.upper() != "EXISTS":
                raise self.fail("expected NOT EXISTS")
            return lambda doc: _lookup(doc, path) is _MISSING
        if word == "IS":
            what = self.take("word").text.upper()
            expected = {"TRUE": True, "FALSE": False, "NULL": None}
            if what not in expected:
                raise self.fail(f"expected IS TRUE, IS FALSE or IS NULL, found IS {what}")
            target = expected[what]
            return lambda doc: (found := _lookup(doc, path)) is not _MISSING and found is target
        raise self.fail(f"expected an operator after the selector, found {word}")


def _json_pattern(source: str) -> Callable[[str], bool]:
    if not source.endswith("}"):
        raise ValueError(f"invalid filter pattern {source}: a JSON pattern ends with }}")
    tokens = _tokenize(source[1:-1], source)
    if not tokens:
        raise ValueError(f"invalid filter pattern {source}: empty")
    expression = _Parser(tokens, source).parse()

    def test(message: str) -> bool:
        try:
            document = json.loads(message)
        except ValueError:
            return False
        return isinstance(document, (dict, list)) and bool(expression(document))

    return test
