"""Two prompt versions side by side: each as text, lines paired so that what changed lines up."""

from __future__ import annotations

import json
from dataclasses import dataclass
from difflib import SequenceMatcher

from promptsaas.domain.prompts import PromptVersion


@dataclass(frozen=True, slots=True)
class Row:
    left: str | None
    right: str | None
    kind: str
    """same | changed | removed | added"""


def as_text(version: PromptVersion) -> list[str]:
    """What an operator edits: model, parameters, variables, then the system and user templates."""
    content = version.content
    lines = [f"model: {content.model}", f"params: {json.dumps(content.params.as_dict(), sort_keys=True)}"]
    lines += [f"variable {v.name}: {json.dumps(v.describe(), sort_keys=True)}" for v in content.variables]
    lines += ["[system]", *content.system.splitlines()]
    if content.user is not None:
        lines += ["[user]", *content.user.splitlines()]
    return lines


def side_by_side(old: PromptVersion, new: PromptVersion) -> list[Row]:
    a, b = as_text(old), as_text(new)
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [Row(x, y, "same") for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
            continue
        left, right = a[i1:i2], b[j1:j2]
        for n in range(max(len(left), len(right))):
            x = left[n] if n < len(left) else None
            y = right[n] if n < len(right) else None
            kind = "changed" if x is not None and y is not None else "removed" if y is None else "added"
            rows.append(Row(x, y, kind))
    return rows
