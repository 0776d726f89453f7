"""The operator story's inputs: a catalog and a prompt file, as an operator would write them."""

from __future__ import annotations

from pathlib import Path

import pytest

CATALOG = """\
agents:
  - slug: tutor
    name: Math tutor
    styles: {concise: "Answer in at most three sentences."}
    prompt:
      system: "You are a {{ level }} math tutor."
      user: "{{ input }}"
      variables:
        level: {type: enum, values: [beginner, expert], default: beginner}
      model: offline:echo
      params: {max_output_tokens: 64}
  - slug: writer
    name: Copy writer
    prompt:
      system: "You write {{ tone }} copy of at most {{ words }} words."
      variables:
        tone: {type: string, default: friendly}
        words: {type: integer, default: 50}
      model: offline:echo
plans:
  - code: free
    name: Free
    default: true
    agents: [tutor]
    limits:
      - {metric: requests, window: day, amount: 3}
    retention_days: 30
  - code: pro
    name: Pro
    price: {monthly: 900, yearly: 9000, currency: usd}
    agents: all
    priority: 10
    limits:
      - {metric: tokens, window: billing_period, amount: 1000000}
    retention_days: 365
"""

PROMPT = """\
prompt:
  system: "You are a {{ level }} math tutor. Be brief."
  user: "{{ input }}"
  variables:
    level: {type: enum, values: [beginner, expert], default: beginner}
  model: offline:echo
  note: shorter answers
"""


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    return path


@pytest.fixture
def prompt_file(tmp_path: Path) -> Path:
    path = tmp_path / "prompt.yaml"
    path.write_text(PROMPT, encoding="utf-8")
    return path
