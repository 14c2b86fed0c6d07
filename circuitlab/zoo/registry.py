"""Name -> class registry for the gating model zoo."""

from __future__ import annotations

REGISTRY: dict[str, type] = {}


def register(name: str):
    """Class decorator: ``@register("swiglu")`` makes ``get("swiglu")`` return the class."""

    def wrap(cls: type) -> type:
        if name in REGISTRY and REGISTRY[name] is not cls:
            raise ValueError(f"zoo name {name!r} is registered twice")
        REGISTRY[name] = cls
        return cls

    return wrap


def get(name: str) -> type:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown zoo module {name!r}; known: {', '.join(sorted(REGISTRY))}") from None


def names() -> list[str]:
    return sorted(REGISTRY)
