from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gslookup.errors import UnknownCompound
from gslookup.lookup import Index
from gslookup.model import KnowledgeBase
from gslookup.normalize import normalize


@given(st.text())
def test_normalize_is_idempotent(name: str) -> None:
    assert normalize(normalize(name)) == normalize(name)


# Case is compared on ASCII names: Unicode case mapping is not symmetric ('ı'.upper() == 'I').
@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1)
)
def test_normalize_ignores_case_spacing_and_hyphens(name: str) -> None:
    spaced = " - ".join(name.upper())
    assert normalize(spaced) == normalize(name.lower()) == normalize(f"  {name}_ ")


def test_every_bundled_name_and_alias_finds_its_own_compound(bundled: KnowledgeBase) -> None:
    index = Index(bundled)
    for compound in bundled.compounds.values():
        for label in (compound.id, compound.name, *compound.aliases):
            assert index.find(label).id == compound.id, label


def test_suggestions_are_deterministic_and_best_first(bundled: KnowledgeBase) -> None:
    index = Index(bundled)
    with pytest.raises(UnknownCompound) as first:
        index.find("ghrp")
    with pytest.raises(UnknownCompound) as second:
        index.find("ghrp")
    assert first.value.suggestions == second.value.suggestions
    assert first.value.suggestions


def test_huge_query_is_not_found_quickly(bundled: KnowledgeBase) -> None:
    with pytest.raises(UnknownCompound) as caught:
        Index(bundled).find("x" * 100_000)
    assert caught.value.suggestions == []


def test_every_bundled_name_resolves_through_the_cached_catalog(bundled: KnowledgeBase) -> None:
    from gslookup import loader
    from gslookup.catalog import open_catalog

    from .conftest import TODAY

    catalog = open_catalog([(loader.bundled_path(), "bundled")], TODAY)
    for compound in bundled.compounds.values():
        for label in (compound.id, compound.name, *compound.aliases):
            assert catalog.find(label).id == compound.id, label


def test_every_bundled_record_matches_the_schema(bundled: KnowledgeBase) -> None:
    import json
    from importlib.resources import files

    import jsonschema

    from gslookup.kbinfo import stamp
    from gslookup.record import build_record

    from .conftest import TODAY

    schema = json.loads(files("gslookup").joinpath("schema.json").read_text(encoding="utf-8"))
    for compound in bundled.compounds.values():
        record = build_record(compound, bundled, TODAY, stamp(bundled))
        jsonschema.validate(json.loads(json.dumps(record)), schema)
        assert record["stale"] is False
