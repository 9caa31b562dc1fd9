"""`-f markdown`: clean Markdown, checked by parsing it."""

from __future__ import annotations

from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from typer.testing import CliRunner

from gslookup.cli import app
from gslookup.model import KnowledgeBase
from gslookup.record import cited_references
from gslookup.render import HEADINGS


def markdown(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def parse(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def headings(tokens: list[Token], level: str) -> list[str]:
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"
            and t.tag == level]  # fmt: skip


@pytest.mark.parametrize("audience", ["clinician", "patient"])
@pytest.mark.parametrize("spelling", ["markdown", "md", "MD"])
def test_markdown_has_headings_table_and_numbered_references(
    bundled: KnowledgeBase, audience: str, spelling: str
) -> None:
    result = markdown("ipamorelin", "-f", spelling, "--audience", audience)
    assert result.exit_code == 0, result.output
    tokens = parse(result.stdout)
    assert headings(tokens, "h1") == ["Ipamorelin"]
    words = HEADINGS[audience]
    found = headings(tokens, "h2")
    for key in ("bottom-line", "approvals", "sport", "risks", "alternatives", "references"):
        assert words[key] in found
    cells = [
        tokens[i + 1].content for i, t in enumerate(tokens) if t.type in ("th_open", "td_open")
    ]
    assert cells[:3] == ["Where", "Status", "Product, indication, date"]
    assert "US (FDA)" in cells and "not-approved" in cells
    refs = cited_references(bundled.compounds["ipamorelin"], bundled)
    items = [t for t in tokens if t.type == "ordered_list_open"]
    assert len(items) == 1 and items[0].attrGet("start") in (None, 1)
    listed = sum(1 for t in tokens[tokens.index(items[0]) :] if t.type == "list_item_open")
    assert listed == len(refs)
    html = MarkdownIt("commonmark").enable("table").render(result.stdout)
    assert "[1]" in html and "<td>- [1] [2]</td>" in html  # citation marks stay text
    assert "\x1b" not in result.stdout


def test_markdown_escapes_what_would_be_structure(tmp_path: Any) -> None:
    from gslookup.markdown import escape

    assert escape("a|b *c* [x](y) #1\n<b>") == "a\\|b \\*c\\* \\[x\\](y) \\#1 \\<b\\>"
    tokens = parse(f"| h |\n|---|\n| {escape('a|b')} |\n")
    cells = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "td_open"]
    assert cells == ["a|b"]


def test_markdown_with_terminal_only_options_is_an_error() -> None:
    result = markdown("ipamorelin", "-f", "md", "--brief")
    assert result.exit_code == 2
    assert "--brief only shapes the terminal view; Markdown holds the whole answer" in result.stderr
    result = markdown("ipamorelin", "-f", "md", "--json")
    assert result.exit_code == 2 and "choose one output format" in result.stderr
