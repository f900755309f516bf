"""Guards for the code here that patches or subclasses private parts of Rasa and its libraries.

Each patch names the package versions it was written for; `require` stops the load with one
line when the installed version differs, instead of failing at the first message (or silently).
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from importlib.metadata import version


class UnsupportedVersion(RuntimeError):
    """A patched library is not the version the patch was written for."""


def require(package: str, prefix: str, patch: str) -> None:
    """Fail in one line unless `package`'s installed version starts with `prefix`."""
    installed = version(package)
    if not installed.startswith(prefix):
        raise UnsupportedVersion(
            f"{patch} was written for {package} {prefix}x, but {installed} is installed: re-check it before upgrading"
        )


def require_signature(function: Callable, parameters: Iterable[str], patch: str) -> None:
    """Fail in one line unless `function` still takes exactly these parameters."""
    found = list(inspect.signature(function).parameters)
    if found != list(parameters):
        raise UnsupportedVersion(f"{patch}: {function.__qualname__} now takes {found}, not {list(parameters)}")


def require_attribute(owner: object, name: str, patch: str) -> None:
    """Fail in one line unless `owner` still has the private attribute the patch relies on."""
    if not hasattr(owner, name):
        raise UnsupportedVersion(f"{patch}: {getattr(owner, '__qualname__', owner)} has no '{name}' any more")
