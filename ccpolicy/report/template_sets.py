"""Report template sets: the built-in one, and the record a plugin may use to declare its own.

A plugin's ``ccpolicy_report_templates`` returns ``PackagedTemplates(name=..., package=..., directory=...)``
for templates shipped as package data; ``ccpolicy report --templates NAME`` renders with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ccpolicy import __version__
from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import ReportTemplates


@dataclass(frozen=True, slots=True, kw_only=True)
class PackagedTemplates:
    name: str
    version: str
    description: str
    package: str
    directory: str = "templates"


BUILTIN_TEMPLATES = PackagedTemplates(
    name="ccpolicy",
    version=__version__,
    description="technology matrix, benchmark comparison, verifier performance and policy view (HTML, Markdown)",
    package="ccpolicy.report",
)


@hookimpl
def ccpolicy_report_templates() -> Sequence[ReportTemplates]:
    return [BUILTIN_TEMPLATES]
