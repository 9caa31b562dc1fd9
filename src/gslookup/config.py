"""The config file: defaults people want to set once (audience, brief, pager, colour).

A TOML file in the platform's user config dir (`gslookup config path`); `GSLOOKUP_CONFIG`
points elsewhere. Command-line options beat the environment, which beats this file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from gslookup.errors import UsageError
from gslookup.options import AUDIENCES, COLORS

ENV_CONFIG = "GSLOOKUP_CONFIG"
ENV_AUDIENCE = "GSLOOKUP_AUDIENCE"
KEYS = ("audience", "brief", "pager", "color")
EXAMPLE = """\
# gslookup settings; command-line options and the environment beat these.
audience = "clinician"   # or "patient"
brief = false            # true: the one-screen view unless --full
pager = "less -FRX"      # a command, or false for no pager
color = "auto"           # "always" or "never"
"""


@dataclass(frozen=True)
class Config:
    audience: str | None = None
    brief: bool = False
    pager: str | bool | None = None
    """None: not set; False: no pager; a string: the pager command."""
    color: str | None = None


def config_path() -> Path:
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path("gslookup", appauthor=False) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """The settings in the file; a missing file is no settings; a bad one is a usage error."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except OSError as error:
        raise UsageError(f"cannot read the config file {path}: {error.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: not valid TOML ({error})") from None
    return _checked(data, path)


def _checked(data: dict[str, Any], path: Path) -> Config:
    for key in data:
        if key not in KEYS:
            close = get_close_matches(key, KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (keys: {', '.join(KEYS)})"
            raise UsageError(f"{path}: unknown key {key!r}{hint}")
    _choice(data, "audience", AUDIENCES, path)
    _choice(data, "color", COLORS, path)
    if not isinstance(data.get("brief", False), bool):
        raise UsageError(f"{path}: brief must be true or false")
    if not isinstance(data.get("pager", ""), str | bool) or data.get("pager") is True:
        raise UsageError(f"{path}: pager must be a command or false")
    return Config(data.get("audience"), data.get("brief", False), data.get("pager"),
                  data.get("color"))  # fmt: skip


def _choice(data: dict[str, Any], key: str, choices: tuple[str, ...], path: Path) -> None:
    value = data.get(key)
    if value is not None and value not in choices:
        close = get_close_matches(str(value), choices, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"{path}: {key} must be one of {', '.join(choices)}{hint}")


def audience(explicit: str | None, config: Config) -> str:
    """--audience, else GSLOOKUP_AUDIENCE, else the file, else clinician."""
    from_env = os.environ.get(ENV_AUDIENCE)
    return (
        explicit
        or (from_env if from_env in AUDIENCES else None)
        or config.audience
        or ("clinician")
    )


def color(explicit: str, config: Config) -> str:
    """--color, else NO_COLOR (Rich reads it under `auto`), else the file."""
    if explicit != "auto" or "NO_COLOR" in os.environ:
        return explicit
    return config.color or "auto"
