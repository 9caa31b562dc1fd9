"""`gslookup refs`: a compound's references in citation formats."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from gslookup.citations import format_references
from gslookup.commands.common import (
    _complete_labels,
    lookup,
)
from gslookup.output import out
from gslookup.record import (
    cited_references,
)


class RefFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    md = "md"
    bibtex = "bibtex"
    ris = "ris"
    csl_json = "csl-json"


def refs(
    ctx: typer.Context,
    names: Annotated[
        list[str],
        typer.Argument(metavar="NAME...", help="Compound names.", autocompletion=_complete_labels),
    ],
    fmt: Annotated[
        RefFormat | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            case_sensitive=False,
            help="Output format: text, markdown (md), bibtex, ris, csl-json.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print CSL-JSON.")] = False,
) -> None:
    """Print compounds' references as text, Markdown, BibTeX, RIS or CSL-JSON.

    Example: gslookup refs ipamorelin --format bibtex > ipamorelin.bib
    """
    if as_json and fmt not in (None, RefFormat.csl_json):
        raise typer.BadParameter(f"choose one of --json, --format {fmt.value}",
                                 param_hint="output format")  # fmt: skip
    chosen = RefFormat.csl_json if as_json else fmt or RefFormat.text
    chosen = RefFormat.markdown if chosen == RefFormat.md else chosen
    compounds, kb = lookup(ctx, names)
    # Several compounds often cite one source: each reference once, in order of first citation.
    found = {ref.id: ref for c in compounds for ref in cited_references(c, kb)}
    out(format_references(list(found.values()), chosen.value), nl=False)
