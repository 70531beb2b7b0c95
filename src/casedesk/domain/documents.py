"""Frozen values ⇄ JSON documents, for the configuration the core keeps as documents: project
settings, incident notification and automation rules, case notification and automation rules.

A value is a frozen dataclass whose members are `bool`, `int`, `str`, an `Enum` (by value), a
nested value, `tuple[X, ...]` (a JSON list), `Pairs[X]` (a JSON object with free keys, in
order), `object` (any JSON, kept as sent), a `Scalar` (a class that reads and writes itself as
one JSON value), or any of these `| None`. A member's document key is its name unless
its field's metadata says otherwise (`key`).

`to_document` leaves out members that are None, so a document reads back with exactly the
members it was written with. `from_document` checks every type and refuses unknown members;
whatever `ValidationFailed` a value raises while it is built names the member by its path from
the document's root (`notification/destinations/2`), so the dialect can point at it.
`lenient=True` reads documents stored before they were checked: unknown or unreadable
members are dropped instead of refused.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, get_args, get_origin

from casedesk.domain.errors import ValidationFailed

TEXT_MAX = 10_000
V = TypeVar("V")
S = TypeVar("S", bound="Scalar")
# A JSON object whose keys are data (a mapping of priorities, custom fields by id …); a tuple
# keeps the value immutable and the order as written.
Pairs = tuple[tuple[str, V], ...]


class Scalar(Protocol):
    """A value written as one JSON value, e.g. a notification handle as its text."""

    @classmethod
    def from_json(cls: type[S], raw: object, field: str) -> S: ...

    def to_json(self) -> object: ...


def key(name: str) -> dict[str, str]:
    """Field metadata naming a member's document key, for names Python keeps (`type`):
    `kind: X = field(metadata=key("type"))`."""
    return {"key": name}


def at(path: str, key: str | int) -> str:
    return f"{path}/{key}" if path else str(key)


def from_document(cls: type[V], document: object, *, path: str = "", lenient: bool = False) -> V:
    """`cls` read from `document`; ValidationFailed names the refused member below `path`."""
    return typing.cast(V, _Reader(lenient).read(cls, document, path))


def to_document(value: object) -> dict[str, Any]:
    """The document of a value: its members that are not None, under their keys."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        raise TypeError(f"{value!r} is not a document value")
    return typing.cast(dict[str, Any], _write(type(value), value))


def pairs_get(pairs: Pairs[V] | None, key: str) -> V | None:
    return next((v for k, v in pairs or () if k == key), None)


# -- reading -----------------------------------------------------------------------------


def _key(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("key", f.name))


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    # Resolving annotations is slow and projects are read on every request: once per class.
    return typing.get_type_hints(cls)


def _optional(hint: Any) -> Any | None:
    """X for `X | None`, else None."""
    if get_origin(hint) in (typing.Union, types.UnionType):
        inner = [a for a in get_args(hint) if a is not type(None)]
        if len(inner) == 1:
            return inner[0]
    return None


def _is_pairs(hint: Any) -> bool:
    args = get_args(hint)
    return (
        get_origin(hint) is tuple
        and len(args) == 2
        and args[1] is Ellipsis
        and (get_origin(args[0]) is tuple and get_args(args[0])[:1] == (str,))
    )


def _is_list(hint: Any) -> bool:
    args = get_args(hint)
    return get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis


class _Reader:
    def __init__(self, lenient: bool) -> None:
        self.lenient = lenient

    def read(self, hint: Any, raw: object, path: str) -> object:
        inner = _optional(hint)
        if inner is not None:
            return None if raw is None else self.read(inner, raw, path)
        if raw is None:
            raise ValidationFailed(path, "must not be null")
        if hint is object:
            return copy.deepcopy(raw)
        if _is_pairs(hint):
            return self._pairs(get_args(get_args(hint)[0])[1], raw, path)
        if _is_list(hint):
            if not isinstance(raw, list):
                raise ValidationFailed(path, "must be a list")
            return tuple(self.read(get_args(hint)[0], item, at(path, i)) for i, item in enumerate(raw))
        if hasattr(hint, "from_json"):
            return hint.from_json(raw, path)
        if dataclasses.is_dataclass(hint):
            return self._value(typing.cast(type, hint), raw, path)
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return _enum(hint, raw, path)
        if hint in _PLAIN:
            return _PLAIN[hint](raw, path)
        raise TypeError(f"a document cannot hold {hint!r}")

    def _pairs(self, hint: Any, raw: object, path: str) -> object:
        if not isinstance(raw, dict):
            raise ValidationFailed(path, "must be an object")
        return tuple((str(k), self.read(hint, v, at(path, k))) for k, v in raw.items())

    def _value(self, cls: type, raw: object, path: str) -> object:
        if not isinstance(raw, dict):
            raise ValidationFailed(path, "must be an object")
        hints = _hints(cls)
        known = {_key(f): f for f in dataclasses.fields(cls) if f.init}
        unknown = [k for k in raw if k not in known]
        if unknown and not self.lenient:
            raise ValidationFailed(
                at(path, unknown[0]), f"unknown member; this object has {', '.join(sorted(known))}"
            )
        given: dict[str, object] = {}
        for key, f in known.items():
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if key not in raw:
                if required:
                    raise ValidationFailed(at(path, key), "this member is required")
                continue
            try:
                given[f.name] = self.read(hints[f.name], raw[key], at(path, key))
            except ValidationFailed:
                if not self.lenient or required:
                    raise
        try:
            return cls(**given)
        except ValidationFailed as exc:
            raise type(exc)(at(path, exc.field) if exc.field else path, exc.message) from None


def _enum(cls: type[enum.Enum], raw: object, path: str) -> enum.Enum:
    for option in cls:
        if option.value == raw and type(option.value) is type(raw):
            return option
    # The member's name, also for a list item (`destinations/2` → destinations).
    name = next((part for part in reversed(path.split("/")) if part and not part.isdigit()), "value")
    shown = ", ".join(str(o.value) for o in cls)
    raise ValidationFailed(path, f"invalid {name} {raw!r}; must be one of {shown}")


def _bool(raw: object, path: str) -> bool:
    if not isinstance(raw, bool):
        raise ValidationFailed(path, "must be true or false")
    return raw


def _int(raw: object, path: str) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool):
        raise ValidationFailed(path, "must be a whole number")
    return raw


def _str(raw: object, path: str) -> str:
    if not isinstance(raw, str):
        raise ValidationFailed(path, "must be a string")
    if len(raw) > TEXT_MAX:
        raise ValidationFailed(path, f"must be at most {TEXT_MAX} characters")
    return raw


_PLAIN: dict[Any, Callable[[object, str], object]] = {bool: _bool, int: _int, str: _str}


# -- writing -----------------------------------------------------------------------------


def _write(hint: Any, value: object) -> object:
    inner = _optional(hint)
    if inner is not None:
        hint = inner
    if hasattr(value, "to_json"):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        hints = _hints(type(value))
        found = ((f, getattr(value, f.name)) for f in dataclasses.fields(value) if f.init)
        return {_key(f): _write(hints[f.name], v) for f, v in found if v is not None}
    if isinstance(value, enum.Enum):
        return value.value
    if _is_pairs(hint):
        item = get_args(get_args(hint)[0])[1]
        return {k: _write(item, v) for k, v in typing.cast(Pairs[object], value)}
    if _is_list(hint):
        return [_write(get_args(hint)[0], v) for v in typing.cast(tuple[object, ...], value)]
    return copy.deepcopy(value)
