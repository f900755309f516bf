"""Silence the deprecation warnings of Rasa 3.6's pinned libraries, which say nothing to a user.

Sanic replaces Python's own filter with "once" for every DeprecationWarning when it is imported, so
PYTHONWARNINGS alone cannot hide them; these filters are added again after it, for third-party modules only.
"""
from __future__ import annotations

import warnings

# Warnings raised from inside these packages (never our own code) are hidden.
_LIBRARIES = r"(pkg_resources|sanic_cors|sanic|tensorflow|keras|jax|matplotlib|pyparsing|rasa|rasa_sdk|"
_LIBRARIES += r"sqlalchemy|google|absl|ruamel|spacy|click|websockets|aiogram|slack_sdk|pykwalify|apscheduler)(\..*)?"


def quiet_library_warnings() -> None:
    """Hide deprecation warnings that the pinned libraries raise (idempotent)."""
    for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=category, module=_LIBRARIES)
    warnings.filterwarnings("ignore", message=r".*(pkg_resources|declare_namespace|setParseAction|parseString|"
                            r"resetCache|distutils Version|xla_computation).*")
