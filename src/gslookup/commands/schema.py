"""`gslookup schema`: the JSON Schema of the record."""

from __future__ import annotations

from gslookup.output import out


def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the --json record.

    Example: gslookup schema > gslookup-record.schema.json
    """
    from importlib.resources import files

    out(files("gslookup").joinpath("schema.json").read_text(encoding="utf-8"), nl=False)
