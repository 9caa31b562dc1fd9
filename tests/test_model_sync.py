from __future__ import annotations

from gslookup import cli, model, options


def test_cli_choices_are_the_model_and_option_values() -> None:
    assert [s.value for s in cli.Status] == list(model.STATUSES)
    assert [p.value for p in cli.Phase] == list(model.PHASES)
    assert [s.value for s in cli.Section] == list(options.SECTIONS)
    assert [c.value for c in cli.Color] == list(options.COLORS)
    assert [a.value for a in cli.Audience] == list(options.AUDIENCES)
