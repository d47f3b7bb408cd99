"""ccpolicy: policy-as-code for confidential computing."""

from __future__ import annotations

from ccpolicy.hookspecs import hookimpl

__version__ = "0.1.0"

__all__ = ["__version__", "hookimpl"]
