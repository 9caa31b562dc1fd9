"""Facts about a knowledge base as a whole: size, freshness and a content stamp."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gslookup import __version__
from gslookup.model import KnowledgeBase


def content_hash(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def describe(kb: KnowledgeBase, bundled: Path) -> list[tuple[str, str]]:
    reviewed = sorted(c.last_reviewed for c in kb.compounds.values())
    rows = [
        ("gslookup", __version__),
        (
            "knowledge base",
            f"{reviewed[-1].isoformat() if reviewed else 'empty'} ({content_hash(bundled)})",
        ),
        ("compounds", str(len(kb.compounds))),
        ("references", str(len(kb.references))),
        ("oldest review", reviewed[0].isoformat() if reviewed else "-"),
        ("newest review", reviewed[-1].isoformat() if reviewed else "-"),
    ]
    rows += [("file", str(path)) for path, _ in kb.files.values()]
    return rows
