"""What a user of an installed wheel needs to write entries offline: a template, the format."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = """\
# A personal gslookup entry. Fill it in, then: gslookup add FILE (or: gslookup add - < FILE).
# The whole format: gslookup help format. Key names are those of the JSON record.
schema_version = 1

[compounds.my-compound]          # the id: lower case, digits and hyphens
name = "My compound"
aliases = ["MYC-001"]            # brands, codes, salt forms people type
drug_class = "What kind of agent it is"
summary = "Two or three sentences for clinicians."
bottom_line = "The direct answer in one or two sentences."
highest_phase = "phase-2"        # preclinical, phase-1, phase-2, phase-3, approved
last_reviewed = 2026-12-01       # the day you checked it against its sources
approvals = [
  { jurisdiction = "US", agency = "FDA", status = "not-approved", refs = ["my-source"] },
]
sport = { prohibited = true, status = "prohibited", section = "S2.2.4", when = "at-all-times", \
list_year = 2026, refs = ["my-source"] }
risks = [
  { text = "One statement per risk, with the source behind it.", refs = ["my-source"] },
]

[references.my-source]
kind = "research"                # research, review, guideline, label, regulatory, ...
title = "The title of the source"
year = 2026
url = "https://example.org/the-source"
"""


def format_path() -> Path:
    """The knowledge-base format document: in the wheel, or in the source tree."""
    packaged = Path(__file__).parent / "data" / "knowledge-base.md"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "docs" / "knowledge-base.md"


def format_text() -> str:
    return format_path().read_text(encoding="utf-8")
