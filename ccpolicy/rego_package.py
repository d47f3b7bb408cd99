"""The package a Rego module declares, read from its text (OPA and regorus need it before compiling)."""

from __future__ import annotations

import re

_PACKAGE = re.compile(
    r'^[ \t]*package[ \t]+([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\["[^"\\]*"\])*)', re.MULTILINE
)
_BRACKET = re.compile(r'\["([^"\\]*)"\]')


def declared_package(text: str) -> str | None:
    """The dotted package (``ccpolicy.snp``; ``x["a-b"]`` gives ``x.a-b``), or None without a declaration.

    A package declaration is the first statement of a module and comments are whole lines starting
    with ``#``, so the first line that starts with ``package`` is the declaration.
    """
    match = _PACKAGE.search(text)
    return _BRACKET.sub(r".\1", match.group(1)) if match else None
