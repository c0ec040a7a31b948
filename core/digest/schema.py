"""The JSON schema of `iamdeny digest --json`, and the file that documents it.

`python -m core.digest.schema` rewrites `docs/digest.schema.json`; a test fails when the file is not
current. The schema is pydantic's for `DigestReport` (`{"schema_version": 1, "digests": [...]}`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from core.digest.model import DigestReport

__all__ = ["SCHEMA_PATH", "schema", "schema_text"]

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "digest.schema.json"


def schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) of the `--json` output."""
    out: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "iamdeny:digest.schema.json",
    }
    out.update(DigestReport.model_json_schema(mode="serialization"))
    return out


def schema_text() -> str:
    """The schema as the file holds it: two-space indented JSON with a final newline."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema to `docs/digest.schema.json` (or the path given)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else SCHEMA_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
