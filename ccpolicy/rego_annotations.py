"""METADATA annotations of Rego rules: the comment block directly above a rule.

```
# METADATA
# title: Debugging is forbidden
# custom:
#   threats: [debug-access]
problems contains {...} if {...}
```

regorus drops comments, so the block is read from the module text above the rule's line.  Only
the YAML that ccpolicy needs is read: ``title`` and ``custom.threats`` (a flow list, a block list
or a single name).
"""

from __future__ import annotations

from dataclasses import dataclass

METADATA_MARKER = "METADATA"


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleAnnotation:
    title: str | None = None
    threats: tuple[str, ...] = ()


def rule_annotations(text: str, rule_line: int) -> RuleAnnotation:
    """The annotation in the comment block ending on the line above ``rule_line`` (1-based)."""
    lines = text.splitlines()
    block: list[str] = []
    index = rule_line - 2
    while 0 <= index < len(lines) and lines[index].lstrip().startswith("#"):
        block.insert(0, _uncomment(lines[index]))
        index -= 1
    if not block or block[0].strip() != METADATA_MARKER:
        return RuleAnnotation()  # as in OPA: a METADATA block is a comment block whose first line is METADATA
    return _parse(block[1:])


def _uncomment(line: str) -> str:
    body = line.lstrip()[1:]
    return body[1:] if body.startswith(" ") else body


def _parse(lines: list[str]) -> RuleAnnotation:
    title = None
    threats: list[str] = []
    in_custom = False
    threats_indent: int | None = None
    for line in lines:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        key, _, value = line.strip().partition(":")
        if threats_indent is not None:
            if indent > threats_indent and line.strip().startswith("-"):
                threats.append(_scalar(line.strip()[1:]))
                continue
            threats_indent = None
        if indent == 0:
            in_custom = key == "custom" and not value.strip()
            if key == "title":
                title = _scalar(value)
        elif in_custom and key == "threats":
            value = value.strip()
            if value.startswith("[") and value.endswith("]"):
                threats += [_scalar(item) for item in value[1:-1].split(",") if item.strip()]
            elif value:
                threats.append(_scalar(value))
            else:
                threats_indent = indent
    return RuleAnnotation(title=title, threats=tuple(dict.fromkeys(threats)))


def _scalar(text: str) -> str:
    return text.strip().strip("\"'")
