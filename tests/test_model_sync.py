from __future__ import annotations

from gslookup import model, options, screening
from gslookup.commands import check, common, history, listing, show


def test_cli_choices_are_the_model_and_option_values() -> None:
    assert [s.value for s in listing.Status] == list(model.STATUSES)
    assert [p.value for p in listing.Phase] == list(model.PHASES)
    assert [c.value for c in listing.Compoundable] == list(model.ELIGIBILITY)
    assert [s.value for s in show.Section] == list(options.SECTIONS)
    assert [c.value for c in common.Color] == list(options.COLORS)
    assert [a.value for a in show.Audience] == list(options.AUDIENCES)
    assert [k.value for k in history.EventKind] == list(model.EVENT_KINDS)
    assert [c.value for c in check.Condition] == list(screening.CONDITIONS)
