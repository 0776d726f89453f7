"""Reading a catalog document (a dict, as from YAML or JSON), collecting every problem with its path."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from promptsaas.domain.bounds import MAX_COUNT, named
from promptsaas.domain.errors import DomainError

T = TypeVar("T")
MISSING: Any = object()


class Problems:
    """Problems found while reading, each as `path: message`."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        problem = f"{path}: {message}"
        if problem not in self.items:  # a value read twice is still one problem
            self.items.append(problem)


class Node:
    """A value at a path of the document, with typed accessors that record problems instead of raising."""

    def __init__(self, value: Any, path: str, problems: Problems) -> None:
        self.value = value
        self.path = path
        self.problems = problems

    def child(self, key: str | int) -> Node:
        value = MISSING
        if isinstance(key, int) and isinstance(self.value, list) and key < len(self.value):
            value = self.value[key]
        elif isinstance(key, str) and isinstance(self.value, dict):
            value = self.value.get(key, MISSING)
        path = f"{self.path}[{key}]" if isinstance(key, int) else (f"{self.path}.{key}" if self.path else key)
        return Node(value, path, self.problems)

    def fail(self, message: str) -> None:
        self.problems.add(self.path or "document", message)

    @property
    def present(self) -> bool:
        return self.value is not MISSING and self.value is not None

    def mapping(self, allowed: tuple[str, ...], *, required: bool = False) -> bool:
        """True when this is a mapping with only `allowed` keys (absent is fine unless required)."""
        if not self.present:
            if required:
                self.fail("is required")
            return False
        if not isinstance(self.value, dict):
            self.fail("must be a mapping")
            return False
        for key in self.value:
            if key not in allowed:
                self.child(str(key)).fail(f"unknown field (allowed: {', '.join(allowed)})")
        return True

    def items(self) -> list[Node]:
        if not self.present:
            return []
        if not isinstance(self.value, list):
            self.fail("must be a list")
            return []
        return [self.child(i) for i in range(len(self.value))]

    def get(self, kind: type[T] | tuple[type, ...], default: Any = None, *, required: bool = False) -> Any:
        """The value if it has the right type; else the default, with a problem recorded."""
        if not self.present:
            if required:
                self.fail("is required")
            return default
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(self.value, kinds) and not (isinstance(self.value, bool) and bool not in kinds)
        if not ok:
            self.fail(f"must be {' or '.join(k.__name__ for k in kinds).replace('str', 'a string')}")
            return default
        return self.value

    def count(self, default: int | None = None, *, maximum: int = MAX_COUNT) -> Any:
        """A whole number that cannot be negative (an amount, a price, a number of days), at most `maximum`."""
        value = self.get(int, default)
        if value is not None and value < 0:
            self.fail("must not be negative")
            return default
        if value is not None and value > maximum:
            self.fail(f"must be at most {maximum}")
            return default
        return value

    def name(self, default: str | None) -> Any:
        """A display name (an agent's, a plan's): not blank, at most `MAX_NAME` characters; `default` when absent."""
        value = self.get(str, default)
        if not self.present or value is None:
            return value
        return self.build(functools.partial(named, value)) or default

    def number(self, kind: type | tuple[type, ...], maximum: float, default: Any = None, **how: bool) -> Any:
        """A number of `kind` no further than `maximum` from 0 (its sign is the domain's rule)."""
        value = self.get(kind, default, **how)
        if value is not None and value is not default and not abs(value) <= maximum:
            self.fail(f"must be within ±{maximum:g}")
            return default
        return value

    def choice(self, options: tuple[str, ...], default: str | None = None, *, required: bool = False) -> Any:
        value = self.get(str, default, required=required)
        if self.present and value not in options:
            self.fail(f"must be one of {', '.join(options)}")
            return default
        return value

    def build(self, factory: Callable[[], T]) -> T | None:
        """Run a domain constructor, turning its rule violations into problems at this path."""
        try:
            return factory()
        except DomainError as error:
            field = getattr(error, "field", None)
            where = self
            key = field.rsplit(".", 1)[-1] if isinstance(field, str) else None  # "params.top_p" -> "top_p"
            if key and isinstance(self.value, dict) and key in self.value:
                where = self.child(key)  # the error is about one of this mapping's own keys
            where.fail(error.message)
            return None
