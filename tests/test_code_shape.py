"""The shape the codebase keeps: small modules, short functions, layers that import downwards."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from harness.project import ROOT

PACKAGES = ("bot", "actions", "channels", "console", "harness", "bench", "reliability", "tests")
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 60
#: What each top-level package may not import (nothing imports tests; bot is the base).
FORBIDDEN = {
    "bot": ("actions", "channels", "console", "harness", "bench", "reliability", "tests"),
    "actions": ("channels", "console", "harness", "bench", "reliability", "tests"),
    "channels": ("actions", "console", "harness", "bench", "reliability", "tests"),
    "console": ("channels", "harness", "bench", "reliability", "tests"),
    "harness": ("bench", "reliability", "tests"),
    "bench": ("reliability", "tests"),
    "reliability": ("bench", "tests"),
}


def python_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_no_module_is_over_400_lines() -> None:
    long = [
        f"{p.relative_to(ROOT)}: {n}"
        for p in python_files()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert long == []


def test_no_function_is_over_60_lines() -> None:
    long = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {lines}")
    assert long == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_only_go_down_a_layer(package: str) -> None:
    pattern = re.compile(r"^\s*(?:from|import)\s+(" + "|".join(FORBIDDEN[package]) + r")\b", re.M)
    wrong = [
        str(p.relative_to(ROOT))
        for p in (ROOT / package).rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert wrong == []


def test_nothing_edits_sys_path() -> None:
    edits = [
        str(p.relative_to(ROOT))
        for p in python_files()
        if "sys.path" in p.read_text(encoding="utf-8") and p.name != "test_code_shape.py"
    ]
    assert edits == []
