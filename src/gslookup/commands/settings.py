"""`gslookup config`: where the config file is, and what it may hold."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from gslookup import config
from gslookup.output import out


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


def completion(
    shell: Annotated[Shell, typer.Argument(metavar="SHELL", help="bash, zsh or fish.")],
) -> None:
    """Print the shell completion script: commands, options and one candidate per compound.

    Example: gslookup completion bash > ~/.local/share/bash-completion/completions/gslookup
    """
    from typer._completion_shared import get_completion_script

    script = get_completion_script(
        prog_name="gslookup", complete_var="_GSLOOKUP_COMPLETE", shell=shell.value
    )
    out(script)


def config_path() -> None:
    """Print the path of the config file (it may not exist yet).

    Example: $EDITOR "$(gslookup config path)"
    """
    out(str(config.config_path()))


def config_example() -> None:
    """Print a commented example config file.

    Example: gslookup config example > "$(gslookup config path)"
    """
    out(config.EXAMPLE, nl=False)
