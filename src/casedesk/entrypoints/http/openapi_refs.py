"""`$ref` walking shared by the parts that assemble `/openapi.json`."""

from __future__ import annotations

from typing import Any


def references(node: Any) -> set[str]:
    """Every `$ref` under `node`."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.add(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def resolve(document: dict[str, Any], ref: str) -> Any:
    """The component a local `#/components/<kind>/<name>` reference names."""
    _, _, kind, name = ref.split("/", 3)
    return document["components"][kind][name]
