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
    """Every free-text field carries markup and every escape family (see test_escapes)."""
    import tomli_w

    from .test_escapes import hostile_kb as document_of_every_field

    document, _ = document_of_every_field()
    text = tomli_w.dumps(document).replace(
        "zq", "[red]markup[/red] [link=https://evil.example]x[/link] zq"
    )
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return loader.load([(path, str(path))], TODAY)


@pytest.mark.parametrize("color", ["never", "always", "auto"])
def test_markup_is_literal_and_escapes_are_stripped(tmp_path: Path, color: str) -> None:
    from .ptyterm import dangerous

    kb = hostile_kb(tmp_path)
    out = io.StringIO()
    console = make_console(color, file=out, width=200)
    render_compound(console, kb.compounds["hostile-a"], kb, TODAY)
    text = out.getvalue()
    assert "[red]markup[/red]" in text
    assert "[link=https://evil.example]x[/link]" in text
    # sport.authority and sport.section, which 0.1.0 printed raw, are shown (cleaned)
    sport = kb.compounds["hostile-a"].sport
    for value in (sport.authority, sport.section):
        assert value is not None and value[value.index("zq") :][:6] in text
    assert dangerous(text.encode()) == []


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
