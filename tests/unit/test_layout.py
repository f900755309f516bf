"""The import rule of the layout (bot/__init__.py): imports run downward only, and only bot.rasa_ext imports rasa."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.paths import ROOT

# Each layer may import the layers of a lower rank (and itself), never a higher or equal-rank other layer.
RANK = {
    "bot.paths": 0, "bot.contract": 0, "bot.text": 0, "bot.quiet": 0,
    "bot.knowledge": 1,
    "bot.language": 2, "bot.safety": 2,
    "bot.rasa_ext": 3, "actions": 3,
    "bot.ops": 4, "bot.reports": 5,
}
# Exceptions to rank order, each for a reason.
ALSO_ALLOWED = {
    "bot.safety": set(),  # the detector stands alone: it never reads knowledge or language
}
NEVER = {
    "actions": {"bot.rasa_ext", "bot.ops", "bot.reports"},
    "bot.safety": {"bot.knowledge", "bot.language"},
}
RASA_ALLOWED = {"bot.rasa_ext"}


def layer_of(module: str) -> str | None:
    for layer in sorted(RANK, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted([*(ROOT / "bot").rglob("*.py"), *(ROOT / "actions").rglob("*.py")]):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found.append((".".join(p for p in parts if p != "__init__"), path))
    return found


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return names


@pytest.mark.parametrize(("module", "path"), modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_imports_run_downward_only(module: str, path: Path) -> None:
    own = layer_of(module)
    if own is None:  # bot/__init__.py itself
        return
    for name in imports_of(path):
        target = layer_of(name)
        if target is None or target == own:
            continue
        assert target not in NEVER.get(own, set()), f"{module} imports {name}: {own} never imports {target}"
        assert RANK[target] < RANK[own] or target in ALSO_ALLOWED.get(own, set()), (
            f"{module} imports {name}: {own} (rank {RANK[own]}) may not import {target} (rank {RANK[target]})"
        )


@pytest.mark.parametrize(("module", "path"), modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_only_rasa_ext_imports_rasa(module: str, path: Path) -> None:
    if layer_of(module) in RASA_ALLOWED:
        return
    rasa = [n for n in imports_of(path) if n == "rasa" or n.startswith("rasa.")]
    assert not rasa, f"{module} imports {rasa}: only bot.rasa_ext may import rasa"


def test_every_package_says_what_lives_there_and_what_it_may_import() -> None:
    for init in [ROOT / "actions" / "__init__.py", *sorted((ROOT / "bot").rglob("__init__.py"))]:
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc.lower(), f"{init.relative_to(ROOT)}: its docstring must say what it may import"


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    """The test can fail: a knowledge module importing language is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("from bot.language.drug_matcher import DrugMatcher\n")
    target = layer_of(imports_of(bad)[0])
    assert target == "bot.language" and RANK[target] > RANK["bot.knowledge"]
