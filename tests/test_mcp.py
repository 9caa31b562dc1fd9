"""`gslookup mcp`: the server started as MCP clients start it, checked against the CLI's JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest
from typer.testing import CliRunner

from gslookup.citations import FORMATS
from gslookup.cli import app
from gslookup.model import ELIGIBILITY, EVENT_KINDS, PHASES, STATUSES
from gslookup.record import DISCLAIMER, RECORD_FIELDS

from .conftest import DATA

pytest.importorskip("mcp", reason="the mcp extra is not installed")

import anyio  # noqa: E402
from mcp import Client  # noqa: E402
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402
from mcp.shared.exceptions import MCPError  # noqa: E402

from gslookup import __version__, mcp_server  # noqa: E402

TOOLS = {"lookup", "search", "list_compounds", "screen", "references", "changes"}
LABEL = (
    "Ipamorelin 200 mcg\n\n# a comment\nGHRP-2 (as acetate) 100mcg\nhgh blend\nipamorlin\nwater\n"
)
Scenario = Callable[[Client], Awaitable[None]]


def server_params(*options: str, env: dict[str, str] | None = None) -> StdioServerParameters:
    # The isolated dirs of conftest, passed on: the client hands the server a minimal env.
    names = ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "gslookup", *options, "mcp"],
        env={**{n: os.environ[n] for n in names}, **(env or {})},
    )


@asynccontextmanager
async def connected(params: StdioServerParameters, log: Path, mode: str) -> AsyncIterator[Client]:
    with log.open("w", encoding="utf-8") as errlog:
        transport = stdio_client(params, errlog=errlog)
        async with Client(transport, mode=mode, read_timeout_seconds=60) as client:
            yield client


def serve(
    tmp_path: Path,
    scenario: Scenario,
    *options: str,
    env: dict[str, str] | None = None,
    mode: str = "legacy",
) -> str:
    """Run `scenario` against a fresh `gslookup mcp` subprocess; return what it logged."""
    log = tmp_path / "server-stderr.txt"

    async def main() -> None:
        async with connected(server_params(*options, env=env), log, mode) as client:
            await scenario(client)

    anyio.run(main)
    return log.read_text(encoding="utf-8")


def cli_json(*args: str, stdin: str | None = None) -> Any:
    return json.loads(cli_text(*args, stdin=stdin))


def cli_text(*args: str, stdin: str | None = None) -> str:
    result = CliRunner().invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    """A successful call's structured content, after checking what every answer carries."""
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    content = result.structured_content
    assert content is not None
    stamp = cli_json("ipamorelin", "--json", "--fields", "kb")["kb"]
    assert content["kb"] == stamp and content["disclaimer"] == DISCLAIMER
    for item in content["reviewed"]:
        assert set(item) == {"id", "last_reviewed", "stale", "sport_list_outdated"}
    (text,) = result.content
    assert text.type == "text"
    assert stamp["hash"] in text.text and text.text.endswith(DISCLAIMER)
    return content


async def answered(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error and result.structured_content is not None, result.content
    return result.structured_content


async def error(client: Client, tool: str, arguments: dict[str, Any]) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, (tool, arguments)
    (text,) = result.content
    assert text.type == "text"
    return text.text


def test_initialise_lists_typed_read_only_tools_and_the_resources(tmp_path: Path) -> None:
    async def scenario(client: Client) -> None:
        info = client.server_info
        assert info is not None and (info.name, info.version) == ("gslookup", __version__)
        assert "cite" in (client.instructions or "")
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == TOOLS
        for tool in tools.values():
            assert tool.description and len(tool.description) > 80
            assert tool.input_schema["type"] == "object" and tool.output_schema
            assert tool.annotations and tool.annotations.read_only_hint is True
            assert tool.input_schema["additionalProperties"] is False
        fields = tools["lookup"].input_schema["properties"]["fields"]["anyOf"][0]
        assert fields["items"]["enum"] == RECORD_FIELDS
        assert tools["lookup"].input_schema["required"] == ["name"]
        assert tools["screen"].input_schema["properties"]["text"]["maxLength"] > 0
        listed = {str(r.uri): r for r in (await client.list_resources()).resources}
        ids = [row["id"] for row in cli_json("list", "--json")]
        assert set(listed) == {mcp_server.SCHEMA_URI} | {f"gslookup://compound/{i}" for i in ids}
        assert listed["gslookup://compound/ipamorelin"].mime_type == "application/json"
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == [mcp_server.COMPOUND_URI]

    serve(tmp_path, scenario)


def test_every_tool_answers_as_the_cli_json_does(tmp_path: Path) -> None:
    async def scenario(client: Client) -> None:
        found = await call(client, "lookup", name="ipamorelin")
        text = (await client.call_tool("lookup", {"name": "ipamorelin"})).content[0]
        assert text.type == "text" and len(text.text) < 3_000 and "phase-2" in text.text
        assert found["record"] == cli_json("ipamorelin", "--json")
        assert [r["id"] for r in found["reviewed"]] == ["ipamorelin"]
        some = await call(client, "lookup", name="MK 677", fields=["id", "name", "last_reviewed"])
        assert some["record"] == cli_json("MK 677", "--json", "--fields", "id,name,last_reviewed")

        hits = await call(client, "search", query="bone", limit=2)
        everything = cli_json("search", "bone", "--json")
        assert hits["results"] == everything[:2] and hits["total"] == len(everything)
        assert [r["id"] for r in hits["reviewed"]] == [h["id"] for h in everything[:2]]

        approved = await call(client, "list_compounds", status="approved", jurisdiction="FDA")
        expected = cli_json("list", "--status", "approved", "--jurisdiction", "US", "--json")
        assert approved["compounds"] == expected and expected
        assert [r["id"] for r in approved["reviewed"]] == [r["id"] for r in expected]
        other = await call(client, "list_compounds", prohibited=False, compoundable="yes")
        expected = cli_json("list", "--not-prohibited", "--compoundable", "yes", "--json")
        assert other["compounds"] == expected
        phase = await call(client, "list_compounds", phase="phase-2")
        assert phase["compounds"] == cli_json("list", "--phase", "phase-2", "--json")
        assert (await call(client, "list_compounds"))["compounds"] == cli_json("list", "--json")

        screened = await call(client, "screen", text=LABEL)
        assert screened["results"] == cli_json("check", "-", "--format", "json", stdin=LABEL)
        assert screened["summary"]["lines"] == 5 and screened["summary"]["possible"] == 1

        for fmt in FORMATS:
            refs = await call(client, "references", name="ipamorelin", format=fmt)
            assert refs["citations"] == cli_text("refs", "ipamorelin", "--format", fmt)
            assert refs["references"] == found["record"]["references"]

        recent = await call(
            client, "changes", since="2024-01", kind=["approval", "compounding"], jurisdiction="US"
        )
        expected = cli_json(
            "changes", "--since", "2024-01", "--kind", "approval", "--kind", "compounding",
            "--jurisdiction", "US", "--json",
        )  # fmt: skip
        assert recent["events"] == expected and expected
        one = await call(client, "changes", name="Egrifta", kind="approval", until="2020")
        assert one["events"] == cli_json(
            "changes", "--id", "tesamorelin", "--kind", "approval", "--until", "2020", "--json"
        )

        resource = await client.read_resource("gslookup://compound/ipamorelin")
        (contents,) = resource.contents
        assert contents.text == cli_text("ipamorelin", "--json").rstrip("\n")  # type: ignore[union-attr]
        schema = (await client.read_resource(mcp_server.SCHEMA_URI)).contents[0]
        assert schema.text == cli_text("schema")  # type: ignore[union-attr]
        jsonschema.validate(found["record"], json.loads(schema.text))  # type: ignore[union-attr]

    log = serve(tmp_path, scenario)
    assert "Traceback" not in log


def test_structured_content_matches_the_declared_output_schemas(tmp_path: Path) -> None:
    async def scenario(client: Client) -> None:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        calls = {
            "lookup": {"name": "somatropin"},
            "search": {"query": "ghrelin"},
            "list_compounds": {},
            "screen": {"text": "MK-677"},
            "references": {"name": "macimorelin", "format": "csl-json"},
            "changes": {"since": "2025"},
        }
        for name, arguments in calls.items():
            content = await call(client, name, **arguments)
            jsonschema.validate(content, tools[name].output_schema or {})

    serve(tmp_path, scenario)


BAD_CALLS = [
    ("lookup", {"name": 5}, "valid string"),
    ("lookup", {"name": "a" * 1_000_000}, "at most 200 characters"),
    ("lookup", {}, "Field required"),
    ("lookup", {"name": "ipamorlin"}, "no compound named 'ipamorlin'. Did you mean: ipamorelin?"),
    ("lookup", {"name": "\x1b[2Jipa"}, "no compound named '\\x1b[2Jipa'"),
    ("lookup", {"name": "ipamorelin", "fields": ["dose"]}, "fields.0"),
    ("lookup", {"name": "ipamorelin", "fields": "id"}, "valid list"),
    ("search", {"query": "bone", "limit": 0}, "greater than or equal to 1"),
    ("search", {"query": "bone", "limit": "5"}, "valid integer"),
    ("search", {"query": ["bone"]}, "valid string"),
    ("list_compounds", {"status": "legal"}, "status"),
    ("list_compounds", {"prohibited": "yes"}, "valid boolean"),
    ("list_compounds", {"jurisdiction": "XYZ1"}, "'XYZ1' is not a jurisdiction"),
    ("screen", {"text": "x" * (mcp_server.MAX_TEXT + 1)}, "at most 100000 characters"),
    ("screen", {"text": "ipamorelin\n" * 1_001}, "1001 lines to screen; at most 1000"),
    ("screen", {"text": None}, "valid string"),
    ("references", {"name": "ipamorelin", "format": "pdf"}, "format"),
    ("changes", {"since": "last year"}, "pattern"),
    ("changes", {"kind": "rumour"}, "kind"),
    ("changes", {"kind": ["approval"] * 21}, "at most 20 items"),
    ("changes", {"name": "tesamorelinn"}, "Did you mean: tesamorelin?"),
    ("list_compounds", {"class": "GHRH analogue"}, "class: Extra inputs are not permitted"),
    ("search", {"query": "bone", "max_results": 5}, "max_results"),
    ("delete_everything", {}, "Unknown tool"),
]


def test_bad_arguments_are_tool_errors_and_the_server_keeps_serving(tmp_path: Path) -> None:
    async def scenario(client: Client) -> None:
        for tool, arguments, wanted in BAD_CALLS:
            message = await error(client, tool, arguments)
            assert wanted in message, (tool, message)
            assert "aaaaaaaaaa" not in message and "pydantic.dev" not in message
            assert len(message) < 2_000
            assert (await call(client, "lookup", name="ipamorelin"))["record"]["id"] == "ipamorelin"
        with pytest.raises(MCPError, match="Did you mean: ipamorelin"):
            await client.read_resource("gslookup://compound/ipamorlin")
        with pytest.raises(MCPError):
            await client.read_resource("gslookup://compound/" + "x" * 100_000)
        assert (await call(client, "search", query="tesamorelin"))["total"] >= 1

    log = serve(tmp_path, scenario)
    assert "Traceback" not in log and "unexpected" not in log


def test_stdout_carries_only_protocol_messages_even_after_garbage(tmp_path: Path) -> None:
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "raw", "version": "0"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        "this is not JSON",
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
         "params": {"name": "lookup", "arguments": {"name": {"nested": True}}}},
        {"jsonrpc": "2.0", "id": 3, "method": "no/such/method"},
        {"jsonrpc": "2.0", "id": 4, "method": "tools/call",
         "params": {"name": "lookup", "arguments": {"name": "GHRP-2"}}},
    ]  # fmt: skip
    params = server_params()
    server = subprocess.Popen(
        [params.command, *params.args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(params.env or {})},
    )
    assert server.stdin is not None and server.stdout is not None
    for message in messages:
        server.stdin.write((message if isinstance(message, str) else json.dumps(message)) + "\n")
    server.stdin.flush()
    # Closing stdin ends the session, and with it any call still running: read replies first.
    replies = []
    while not any(r.get("id") == 4 for r in replies):
        line = server.stdout.readline()
        assert line, server.communicate(timeout=30)[1]
        replies.append(json.loads(line))
    out, _ = server.communicate(timeout=30)
    replies += [json.loads(line) for line in out.splitlines()]
    assert server.returncode == 0
    assert all(r["jsonrpc"] == "2.0" for r in replies)
    by_id = {r.get("id"): r for r in replies}
    assert by_id[1]["result"]["serverInfo"]["name"] == "gslookup"
    assert by_id[2]["result"]["isError"] is True
    assert "error" in by_id[3]
    assert by_id[4]["result"]["structuredContent"]["record"]["id"] == "pralmorelin"


@pytest.mark.parametrize("how", ["personal", "--no-user-kb", "GSLOOKUP_KB", "--kb"])
def test_the_global_options_choose_the_knowledge_bases(tmp_path: Path, how: str) -> None:
    personal = Path(os.environ["XDG_DATA_HOME"]) / "gslookup" / "compounds.toml"
    personal.parent.mkdir(parents=True)
    personal.write_bytes((DATA / "eventful.toml").read_bytes())
    before = personal.stat().st_mtime_ns
    options = {"--no-user-kb": ["--no-user-kb"], "--kb": ["--no-user-kb", "--kb", str(personal)]}
    env = {"GSLOOKUP_KB": str(personal)} if how == "GSLOOKUP_KB" else None
    options["GSLOOKUP_KB"] = ["--no-user-kb"]

    async def scenario(client: Client) -> None:
        if how == "--no-user-kb":
            assert "no compound named 'EVT-7'" in await error(client, "lookup", {"name": "EVT-7"})
        else:
            assert (await answered(client, "lookup", name="EVT-7"))["record"]["id"] == "eventorelin"

    serve(tmp_path, scenario, *options.get(how, []), env=env)
    assert personal.stat().st_mtime_ns == before  # read-only


def test_a_file_broken_while_serving_is_an_error_until_it_is_fixed(tmp_path: Path) -> None:
    team = tmp_path / "team.toml"
    good = (DATA / "eventful.toml").read_text(encoding="utf-8")
    team.write_text(good, encoding="utf-8")

    async def scenario(client: Client) -> None:
        assert (await answered(client, "lookup", name="EVT-7"))["record"]["id"] == "eventorelin"
        team.write_text(good.replace('highest_phase = "approved"', "highest_phase = 3"), "utf-8")
        message = await error(client, "lookup", {"name": "EVT-7"})
        assert "team.toml" in message and "highest_phase" in message
        with pytest.raises(MCPError, match="team.toml"):
            await client.read_resource("gslookup://compound/eventorelin")
        team.write_text(good, encoding="utf-8")
        assert (await answered(client, "search", query="made-up"))["results"]

    log = serve(tmp_path, scenario, "--kb", str(team))
    assert "Traceback" not in log


def test_the_modern_protocol_negotiates_too(tmp_path: Path) -> None:
    async def scenario(client: Client) -> None:
        assert client.protocol_version >= "2026"
        assert (await call(client, "lookup", name="tesamorelin"))["record"]["id"] == "tesamorelin"

    serve(tmp_path, scenario, mode="auto")


def test_a_broken_knowledge_base_stops_the_server_before_it_serves(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[compounds.x]\nname = 1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--kb", str(broken), "mcp"])
    assert result.exit_code == 2
    assert "broken.toml" in result.stderr and "invalid knowledge base" in result.stderr
    assert result.stdout == ""


def test_the_cli_loads_the_sdk_only_when_serving(tmp_path: Path) -> None:
    script = (
        "import sys, gslookup.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'mcp', 'mcp_types', 'pydantic'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert result.stdout == "[]\n"


def test_the_schemas_offer_exactly_the_cores_choices() -> None:
    assert list(get_args(mcp_server.RecordField)) == RECORD_FIELDS
    assert get_args(mcp_server.Status) == STATUSES
    assert get_args(mcp_server.Phase) == PHASES
    assert get_args(mcp_server.RefFormat) == FORMATS
    assert get_args(mcp_server.EventKind) == EVENT_KINDS
    assert get_args(mcp_server.Eligibility) == ELIGIBILITY
