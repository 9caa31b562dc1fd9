"""`gslookup mcp`: serve the knowledge base to AI assistants over the Model Context Protocol."""

from __future__ import annotations

import typer

from gslookup.commands.common import settings_of
from gslookup.errors import MissingExtra


def mcp(ctx: typer.Context) -> None:
    """Serve the knowledge base to AI assistants (Model Context Protocol, over stdio).

    Read-only: tools lookup, search, list_compounds, screen, references and changes, and every
    compound as the resource gslookup://compound/ID. Honours --kb, --no-user-kb and
    GSLOOKUP_KB. Needs the mcp extra: pip install 'gslookup[mcp]'. MCP clients start it
    themselves (command "gslookup", args ["mcp"]); logs go to stderr.

    Example: gslookup mcp --kb team.toml
    """
    try:
        from gslookup import mcp_server
    except ModuleNotFoundError as error:
        raise MissingExtra("the mcp command", "mcp", error.name) from None
    mcp_server.serve(settings_of(ctx))
