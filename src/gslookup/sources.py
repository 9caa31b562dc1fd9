"""Where knowledge comes from, and in which order: bundled, personal, GSLOOKUP_KB, --kb."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from gslookup import loader
from gslookup.config import Config, load_config
from gslookup.model import BUNDLED, KnowledgeBase

ENV_KB = "GSLOOKUP_KB"


@dataclass(frozen=True)
class Settings:
    """Options that apply to every command (the global options)."""

    kb_files: tuple[Path, ...] = ()
    use_user_kb: bool = True
    use_cache: bool = True
    debug: bool = False
    pager: bool = True

    @property
    def config(self) -> Config:
        """The config file's defaults, read when a view needs them (errors surface there)."""
        return load_config()

    env_kb_files: tuple[Path, ...] = field(default_factory=lambda: env_kb_files())


def env_kb_files() -> tuple[Path, ...]:
    value = os.environ.get(ENV_KB, "")
    return tuple(Path(p) for p in value.split(os.pathsep) if p)


def user_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("gslookup", appauthor=False)


def personal_path() -> Path:
    """The personal knowledge base (it may not exist yet)."""
    return user_data_dir() / "compounds.toml"


def layers(settings: Settings) -> list[tuple[Path, str]]:
    """(path, source label) pairs, lowest precedence first."""
    found: list[tuple[Path, str]] = [(loader.bundled_path(), BUNDLED)]
    personal = personal_path()
    if settings.use_user_kb and personal.exists():
        found.append((personal, str(personal)))
    found += [(p, str(p)) for p in settings.env_kb_files]
    found += [(p, str(p)) for p in settings.kb_files]
    return found


def load(settings: Settings, today: date, strict: bool = False) -> KnowledgeBase:
    return loader.load(layers(settings), today, strict=strict)
