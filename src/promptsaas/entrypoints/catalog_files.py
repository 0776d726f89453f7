"""Catalog files as the library and the CLI read them: YAML (or JSON), refused in one readable line when the file is
not UTF-8, not YAML, nested past reason, or names a key twice in one mapping (YAML would keep the last silently)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from promptsaas.domain.errors import InvalidInput


class _UniqueKeyLoader(yaml.SafeLoader):
    """`yaml.safe_load` that refuses a mapping holding the same key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise InvalidInput(
                    f"line {mark.line + 1}, column {mark.column + 1}: the key {key!r} appears twice", field=str(key)
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_document(document: dict[str, Any] | str | Path) -> Any:
    """A catalog given as a dict, or as the path of a YAML (or JSON) file."""
    if isinstance(document, dict):
        return document
    path = Path(document)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except OSError as error:
        raise InvalidInput(f"cannot read catalog file {str(path)!r}: {error.strerror}", field="file") from None
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{path} is not UTF-8 text (byte {error.start})", field="file") from None
    except RecursionError:
        raise InvalidInput(f"{path} is nested too deeply", field="file") from None
    except InvalidInput as error:
        raise InvalidInput(f"{path} is not a valid catalog: {error.message}", field=error.field) from None
    except yaml.YAMLError as error:
        raise InvalidInput(f"{path} is not valid YAML: {_yaml_problem(error)}", field="file") from None


def _yaml_problem(error: yaml.YAMLError) -> str:
    """`line 3, column 9: expected ',' or ']'` rather than PyYAML's multi-line report."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark is not None else problem
