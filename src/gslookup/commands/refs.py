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
    bibtex = "bibtex"
    ris = "ris"
    csl_json = "csl-json"


def refs(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A compound name.", autocompletion=_complete_labels)],
    fmt: Annotated[RefFormat, typer.Option("--format", "-f", help="Output format.")] = (
        RefFormat.text
    ),
) -> None:
    """Print a compound's references as text, Markdown, BibTeX, RIS or CSL-JSON.

    Example: gslookup refs ipamorelin --format bibtex > ipamorelin.bib
    """
    (compound,), kb = lookup(ctx, [name])
    out(format_references(cited_references(compound, kb), fmt.value), nl=False)
