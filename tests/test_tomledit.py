"""Rewriting only the changed entries of a TOML file (D1): properties over random files."""

from __future__ import annotations

import tomllib
from typing import Any

import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from gslookup import tomledit

IDS = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
COMMENT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=20
).map(lambda s: "# " + s.replace("\n", " "))
TABLE = st.fixed_dictionaries(
    {"name": TEXT, "note": TEXT},
    optional={
        "sport": st.fixed_dictionaries({"prohibited": st.booleans(), "note": TEXT}),
        "risks": st.lists(st.fixed_dictionaries({"text": TEXT}), max_size=2),
        "aliases": st.lists(TEXT, max_size=2),
    },
)
DOCS = st.fixed_dictionaries(
    {
        "compounds": st.dictionaries(IDS, TABLE, max_size=4),
        "references": st.dictionaries(IDS, st.fixed_dictionaries({"title": TEXT}), max_size=3),
    }
)


def with_comments(text: str, comments: list[str], where: list[int]) -> str:
    """Comment lines put before table headers and blank lines, where TOML allows them."""
    lines = text.splitlines(keepends=True)
    slots = [i for i, line in enumerate(lines) if line.startswith("[") or not line.strip()]
    slots.append(len(lines))
    placed = [(slots[n % len(slots)], c) for c, n in zip(comments, where, strict=False)]
    for at, comment in sorted(placed, key=lambda p: -p[0]):  # from the end: indices hold
        lines.insert(at, comment + "\n")
    return "".join(lines)


def changed(old: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    new = {k: dict(v) for k, v in old.items()}
    for section in ("compounds", "references"):
        for entry_id in list(new[section]):
            if data.draw(st.booleans(), label=f"change {entry_id}"):
                if data.draw(st.booleans(), label=f"remove {entry_id}"):
                    del new[section][entry_id]
                else:
                    table = dict(new[section][entry_id])
                    key = "name" if section == "compounds" else "title"
                    table[key] = data.draw(TEXT, label="new text")
                    new[section][entry_id] = table
    extra = data.draw(st.dictionaries(IDS, TABLE, max_size=2), label="added")
    new["compounds"].update({k: v for k, v in extra.items() if k not in new["compounds"]})
    return new


@settings(max_examples=200, deadline=None)
@given(
    old=DOCS,
    comments=st.lists(COMMENT, max_size=8),
    where=st.lists(st.integers(0, 1000), min_size=8, max_size=8),
    data=st.data(),
)
def test_splice_gives_the_new_document_and_keeps_comments_between_entries(
    old: dict[str, Any], comments: list[str], where: list[int], data: st.DataObject
) -> None:
    text = with_comments(tomli_w.dumps(old), comments, where)
    assert tomllib.loads(text) == old
    new = changed(old, data)
    result = tomledit.splice(text, old, new)
    assert result is not None  # files in this layout are always understood
    assert tomledit.same_document(tomllib.loads(result), new)
    # Comments sit before headers or blank lines, so never inside an entry's span.
    lost = [c for c in comments if c not in result]
    assert lost == []


def test_an_entry_written_as_dotted_keys_is_not_understood() -> None:
    text = '[compounds]\nx.name = "a"\n'
    old = tomllib.loads(text)
    assert tomledit.splice(text, old, {"compounds": {"x": {"name": "b"}}}) is None


def test_unchanged_entries_are_byte_for_byte_as_written() -> None:
    text = (
        "# top\n[compounds.a]   # mine\nname   =   'A'  # odd spacing kept\n\n"
        '[compounds.b]\nname = "B"\n'
    )
    old = tomllib.loads(text)
    new = {"compounds": {"a": old["compounds"]["a"], "b": {"name": "B2"}}}
    result = tomledit.splice(text, old, new)
    assert result is not None and tomllib.loads(result) == new
    assert result.startswith("# top\n[compounds.a]   # mine\nname   =   'A'  # odd spacing kept\n")
