"""Facts about a knowledge base as a whole: size, freshness and a reproducibility stamp."""

from __future__ import annotations

import hashlib

from gslookup import __version__
from gslookup.model import KnowledgeBase


def content_hash(kb: KnowledgeBase) -> str:
    """One hash over every file the knowledge base was read from, in precedence order."""
    digest = hashlib.sha256()
    for file_hash in kb.hashes.values():
        digest.update(bytes.fromhex(file_hash))
    return "sha256:" + digest.hexdigest()[:16]


def stamp(kb: KnowledgeBase) -> dict[str, str]:
    """Which data an answer came from: the knowledge-base version and a content hash."""
    return {"version": __version__, "hash": content_hash(kb)}


def describe(kb: KnowledgeBase) -> list[tuple[str, str]]:
    reviewed = sorted(c.last_reviewed for c in kb.compounds.values())
    rows = [
        ("knowledge base", f"{__version__} ({content_hash(kb)})"),
        ("compounds", str(len(kb.compounds))),
        ("references", str(len(kb.references))),
        ("oldest review", reviewed[0].isoformat() if reviewed else "-"),
        ("newest review", reviewed[-1].isoformat() if reviewed else "-"),
    ]
    rows += [("file", str(path)) for path, _ in kb.files.values()]
    return rows
