"""Fast positional constructors for the frozen, slotted dataclasses built per admin event.

A frozen dataclass's ``__init__`` must bypass its own ``__setattr__`` once per field, which makes
building one cost several times the cost of a plain object; a busy server's events need several
per message. ``builder(cls)`` returns a constructor that makes the very same instances (class
``cls``, still frozen, equal to what ``cls(...)`` makes) at the cost of a plain object: it fills
the slots of a mutable twin class with the same layout, then switches the object's class (a
documented Python feature for classes with identical slots). The class itself is unchanged:
``cls(...)`` keeps its normal signature, defaults and checks for everyone else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

T = TypeVar("T")


def builder(cls: type[T]) -> Callable[..., T]:
    """A constructor of ``cls`` taking every field positionally, in declaration order."""
    if not is_dataclass(cls) or "__slots__" not in cls.__dict__ or cls.__bases__ != (object,):
        raise TypeError(f"{cls.__name__} is not a slotted dataclass without bases")
    twin = type(f"{cls.__name__}Twin", (), {"__slots__": cls.__slots__})
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    lines = [f"def build({', '.join(names)}):", "    obj = _twin()"]
    lines += [f"    obj.{name} = {name}" for name in names]
    lines += ["    obj.__class__ = _cls", "    return obj"]
    namespace: dict[str, Any] = {"_twin": twin, "_cls": cls}
    exec("\n".join(lines), namespace)
    build: Callable[..., T] = namespace["build"]
    build.__name__ = build.__qualname__ = f"new_{cls.__name__}"
    build.__doc__ = f"``{cls.__name__}(...)`` with every field given positionally, faster."
    return build
