"""Cheap availability checks for backend libraries: find the module without importing it."""

from __future__ import annotations

import importlib.util
from importlib.metadata import PackageNotFoundError, version


def distribution_version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def missing_modules(modules: tuple[str, ...], *, install_hint: str) -> str | None:
    """None when every module can be found, else which are missing and how to install them."""
    missing = [module for module in modules if not _findable(module)]
    if not missing:
        return None
    return f"{', '.join(missing)} not installed; install with: {install_hint}"


def _findable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
