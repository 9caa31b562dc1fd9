from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pytest

from gslookup import loader
from gslookup.model import KnowledgeBase
from gslookup.pager import strip_trailing_spaces
from gslookup.render import ViewOptions, make_console, render_compound, render_text

from .conftest import DATA, TODAY

UPDATE = os.environ.get("GSLOOKUP_UPDATE_GOLDENS") == "1"


def render(kb: KnowledgeBase, compound_id: str, today: date = TODAY, **kwargs: object) -> str:
    """The view as a pipe gets it: no colour, no padding at line ends."""
    console = make_console("never", file=io.StringIO(), width=100)
    options = ViewOptions(**kwargs)  # type: ignore[arg-type]
    compound = kb.compounds[compound_id]
    text = render_text(console, lambda c: render_compound(c, compound, kb, today, options))
    return strip_trailing_spaces(text)


@pytest.mark.parametrize("compound_id", ["ipamorelin", "somatropin", "macimorelin"])
@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_golden_render(bundled: KnowledgeBase, compound_id: str, audience: str) -> None:
    golden = DATA / f"{compound_id}.{audience}.golden.txt"
    text = render(bundled, compound_id, audience=audience)
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        f"render of {compound_id} changed; if intended, rerun with GSLOOKUP_UPDATE_GOLDENS=1"
    )


def hostile_kb(tmp_path: Path) -> KnowledgeBase:
    text = (DATA / "testorelin.toml").read_text(encoding="utf-8")
    text = text.replace(
        'summary = "A made-up compound used to check the personal knowledge base."',
        'summary = "[red]markup[/red] [link=https://evil.example]x[/link] '
        '\\u001b[2J\\u001b]8;;https://evil.example\\u0007click\\u001b]8;;\\u0007 end"',
    )
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return loader.load([(path, str(path))], TODAY)


@pytest.mark.parametrize("color", ["never", "always", "auto"])
def test_markup_is_literal_and_escapes_are_stripped(tmp_path: Path, color: str) -> None:
    kb = hostile_kb(tmp_path)
    out = io.StringIO()
    render_compound(make_console(color, file=out, width=200), kb.compounds["testorelin"], kb, TODAY)
    text = out.getvalue()
    assert "[red]markup[/red]" in text
    assert "[link=https://evil.example]x[/link]" in text
    assert "click" in text and "end" in text
    assert "\x1b[2J" not in text and "\x1b]8;;https://evil" not in text and "\x07" not in text


def test_stale_entry_warns(bundled: KnowledgeBase) -> None:
    later = date(2028, 1, 1)
    assert "more than 12 months ago" in render(bundled, "ipamorelin", today=later)
    assert "more than 12 months ago" not in render(bundled, "ipamorelin")


def test_citation_marks_match_numbered_references(bundled: KnowledgeBase) -> None:
    text = render(bundled, "ipamorelin")
    references = text[text.index("\nReferences") :]
    for n in range(1, 6):
        assert f"[{n}]" in text[: text.index("\nReferences")]
        assert f"[{n}] " in references
