from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from gslookup.cli import app
from gslookup.record import RECORD_FIELDS


def run(runner: CliRunner, *args: str, **kwargs: Any) -> Any:
    return runner.invoke(app, list(args), **kwargs)


# ---- list


def test_list_json_has_a_row_per_compound(runner: CliRunner) -> None:
    items = json.loads(run(runner, "list", "--json").stdout)
    assert len(items) >= 28
    ipamorelin = next(i for i in items if i["id"] == "ipamorelin")
    assert ipamorelin == {
        "id": "ipamorelin",
        "name": "Ipamorelin",
        "drug_class": ipamorelin["drug_class"],
        "short_class": "ghrelin agonist",
        "highest_phase": "phase-2",
        "status": {"US": "not-approved", "EU": "not-approved"},
        "veterinary": {},
        "prohibited": True,
        "sport_status": "prohibited",
        "sport_section": "S2.2.4",
        "compoundable": ipamorelin["compoundable"],
    }
    assert ipamorelin["compoundable"] in ("yes", "no", "unclear")


def test_list_filters_combine(runner: CliRunner) -> None:
    args = ["list", "--status", "approved", "--jurisdiction", "US", "--prohibited", "--json"]
    ids = [i["id"] for i in json.loads(run(runner, *args).stdout)]
    assert "somatropin" in ids and "macimorelin" in ids
    assert "ipamorelin" not in ids and "pegvisomant" not in ids


def test_list_phase_and_class_filters(runner: CliRunner) -> None:
    ids = [i["id"] for i in json.loads(run(runner, "list", "--phase", "phase-3", "--json").stdout)]
    assert "relamorelin" in ids and all(i != "ipamorelin" for i in ids)
    found = json.loads(run(runner, "list", "--class", "ghrelin", "--json").stdout)
    assert found and all("ghrelin" in i["drug_class"].lower() for i in found)


def test_list_csv_has_a_header_and_status_columns(runner: CliRunner) -> None:
    result = run(runner, "list", "--csv")
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"id", "name", "status_US", "status_EU", "prohibited"} <= set(table[0])
    assert next(r for r in table if r["id"] == "anamorelin")["status_EU"] == "refused"


def test_list_jsonl_and_fields(runner: CliRunner) -> None:
    lines = run(runner, "list", "--jsonl", "--fields", "id,prohibited").stdout.splitlines()
    assert all(set(json.loads(line)) == {"id", "prohibited"} for line in lines)


def test_list_table(runner: CliRunner) -> None:
    result = run(runner, "list", "-f", "table", "--color", "never")
    assert result.exit_code == 0
    assert "ipamorelin" in result.stdout and "compounds" in result.stdout


def test_two_output_formats_is_a_usage_error(runner: CliRunner) -> None:
    assert run(runner, "list", "--json", "--csv").exit_code == 2


# ---- search


def test_search_bone_finds_ipamorelin_through_its_findings(runner: CliRunner) -> None:
    hits = json.loads(run(runner, "search", "bone", "--json").stdout)
    ipamorelin = next(h for h in hits if h["id"] == "ipamorelin")
    assert any(m["field"].startswith("findings") for m in ipamorelin["matches"])


def test_search_ranks_names_first(runner: CliRunner) -> None:
    hits = json.loads(run(runner, "search", "tesamorelin", "--json").stdout)
    assert hits[0]["id"] == "tesamorelin"


def test_search_without_hits_exits_1(runner: CliRunner) -> None:
    result = run(runner, "search", "xylophonequartz", "--color", "never")
    assert result.exit_code == 1
    assert "No matches" in result.stdout


# ---- compare


def test_compare_table_has_a_column_per_compound(runner: CliRunner) -> None:
    result = run(runner, "compare", "ipamorelin", "macimorelin", "--color", "never")
    assert result.exit_code == 0
    for text in ("Ipamorelin", "Macimorelin", "Status US", "WADA", "Last reviewed"):
        assert text in result.stdout


def test_compare_json_is_the_array_of_records(runner: CliRunner) -> None:
    records = json.loads(run(runner, "compare", "ipamorelin", "somatropin", "--json").stdout)
    assert [r["id"] for r in records] == ["ipamorelin", "somatropin"]
    assert list(records[0]) == RECORD_FIELDS


def test_compare_needs_two(runner: CliRunner) -> None:
    assert run(runner, "compare", "ipamorelin").exit_code == 2


# ---- refs


def test_refs_text_and_markdown(runner: CliRunner) -> None:
    text = run(runner, "refs", "ipamorelin").stdout
    assert "PMID 9849822" in text and text.startswith("[1] ")
    markdown = run(runner, "refs", "ipamorelin", "--format", "markdown").stdout
    assert "[PMID 9849822](https://pubmed.ncbi.nlm.nih.gov/9849822/)" in markdown


def test_refs_bibtex_entries_are_balanced_and_keyed(runner: CliRunner) -> None:
    bib = run(runner, "refs", "ipamorelin", "--format", "bibtex").stdout
    entries = re.findall(r"^@(article|misc)\{([^,]+),$", bib, re.MULTILINE)
    assert len(entries) >= 10
    assert len({key for _, key in entries}) == len(entries)
    assert bib.count("{") == bib.count("}")
    assert "pmid = {9849822}" in bib


def test_refs_ris_records_are_complete(runner: CliRunner) -> None:
    ris = run(runner, "refs", "ipamorelin", "--format", "ris").stdout
    records = [r for r in ris.split("ER  - ") if r.strip()]
    assert all(r.strip().startswith("TY  - ") for r in records)
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in ris.splitlines() if line)


def test_refs_csl_json_carries_pmid_and_doi(runner: CliRunner) -> None:
    items = json.loads(run(runner, "refs", "ipamorelin", "--format", "csl-json").stdout)
    assert all({"id", "type", "title"} <= set(i) for i in items)
    beck = next(i for i in items if i.get("PMID") == "25331030")
    assert beck["DOI"] == "10.1007/s00384-014-2030-8"
    assert beck["type"] == "article-journal"
    assert beck["issued"] == {"date-parts": [[2014]]}
    assert beck["author"][0] == {"family": "Beck", "given": "DE"}


# ---- check


NAMES = "# screening list\nipamorelin\n\nsomatropin\nnot-a-drug  # typo?\nMK677\n"


def test_check_jsonl_one_result_per_line(runner: CliRunner) -> None:
    result = run(runner, "check", "-", "--format", "jsonl", input=NAMES)
    assert result.exit_code == 0
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert [i["line"] for i in items] == [2, 4, 5, 6]
    assert [i["input"] for i in items] == [
        "ipamorelin",
        "somatropin",
        "not-a-drug  # typo?",
        "MK677",
    ]
    assert [i["id"] for i in items] == ["ipamorelin", "somatropin", None, "ibutamoren"]
    assert [i["verdict"] for i in items] == ["prohibited", "prohibited", "no-match", "prohibited"]
    assert items[1]["status"]["US"] == "approved"
    assert items[3]["matched"] == "MK677" and items[2]["matched"] is None
    assert result.stderr.splitlines()[-1] == (
        "gslookup: 4 lines: 3 compounds found in 3 lines (3 prohibited), "
        "0 possible, 1 with no match"
    )


def test_check_exact_mode_keeps_one_name_per_line(runner: CliRunner) -> None:
    result = run(runner, "check", "--exact", "--format", "jsonl", input=NAMES + "Ipamorelin 2 mg\n")
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert [i["input"] for i in items][2] == "not-a-drug"
    assert [i["verdict"] for i in items][-1] == "no-match"


@pytest.mark.parametrize(
    ("conditions", "code"),
    [([], 0), (["unknown"], 1), (["no-match"], 1), (["prohibited"], 1), (["not-approved"], 1),
     (["possible"], 0), (["unclear"], 0)],
)  # fmt: skip
def test_check_fail_on(runner: CliRunner, conditions: list[str], code: int) -> None:
    args = ["check", "-", "--format", "json"]
    for condition in conditions:
        args += ["--fail-on", condition]
    result = run(runner, *args, input=NAMES)
    assert result.exit_code == code
    assert len(json.loads(result.stdout)) == 4


def test_check_fail_on_names_the_lines(runner: CliRunner) -> None:
    result = run(runner, "check", "--fail-on", "prohibited", "--fail-on", "no-match", input=NAMES)
    assert result.exit_code == 1
    assert "gslookup: --fail-on no-match: line 5" in result.stderr
    assert "gslookup: --fail-on prohibited: lines 2, 4, 6" in result.stderr


def test_check_fail_on_not_met(runner: CliRunner) -> None:
    result = run(runner, "check", "-", "--fail-on", "no-match", input="pegvisomant\n")
    assert result.exit_code == 0


def test_check_fail_on_possible_and_unclear(runner: CliRunner) -> None:
    assert run(runner, "check", "--fail-on", "possible", input="ipamorlin 2mg\n").exit_code == 1
    unclear = run(runner, "check", "--fail-on", "unclear", "--format", "jsonl", input="Somavert\n")
    assert json.loads(unclear.stdout)["verdict"] == "unclear" and unclear.exit_code == 1


def test_check_not_approved_in_a_jurisdiction(runner: CliRunner) -> None:
    # Anamorelin is approved for humans only in Japan.
    args = ["check", "--fail-on", "not-approved", "--format", "jsonl"]
    assert run(runner, *args, input="anamorelin\n").exit_code == 0
    assert run(runner, *args, "--jurisdiction", "JP", input="anamorelin\n").exit_code == 0
    assert run(runner, *args, "--jurisdiction", "FDA", input="anamorelin\n").exit_code == 1
    bad = run(runner, *args, "--jurisdiction", "Narnia", input="anamorelin\n")
    assert bad.exit_code == 2 and "not a jurisdiction" in bad.stderr


def test_check_csv_and_table(runner: CliRunner) -> None:
    table = list(
        csv.DictReader(io.StringIO(run(runner, "check", "--format", "csv", input=NAMES).stdout))
    )
    assert table[0]["id"] == "ipamorelin" and table[2]["verdict"] == "no-match"
    assert table[0]["prohibited"] == "true" and table[0]["stale"] == "false"
    assert table[0]["sport_status"] == "prohibited" and table[1]["status_US"] == "approved"
    text = run(runner, "check", "--format", "table", "--color", "never", input=NAMES).stdout
    lines = text.splitlines()
    assert lines[0].split() == ["Line", "Verdict", "Compound", "WADA", "Input"]
    assert sum("prohibited" in line for line in lines) == 3
    # One table per input line (streamed), yet the columns line up as in one table.
    verdicts = [line.index("prohibited") for line in lines if "prohibited" in line]
    assert verdicts[0] == lines[0].index("Verdict") and len(set(verdicts)) == 1


def test_check_tsv_is_the_default_into_a_pipe(runner: CliRunner) -> None:
    rows = run(runner, "check", input=NAMES).stdout.splitlines()
    assert rows[0].split("\t")[:6] == ["line", "input", "matched", "id", "name", "verdict"]
    assert rows[1].split("\t")[:6] == [
        "2",
        "ipamorelin",
        "ipamorelin",
        "ipamorelin",
        "Ipamorelin",
        "prohibited",
    ]


def test_check_same_keys_in_every_format(runner: CliRunner) -> None:
    record = json.loads(run(runner, "check", "--format", "jsonl", input="Sermorelin 9mg\n").stdout)
    empty = json.loads(run(runner, "check", "--format", "jsonl", input="Vitamin C\n").stdout)
    assert list(record) == list(empty)
    assert list(record) == [
        "line", "input", "matched", "id", "name", "verdict", "suggestion", "prohibited", "sport",
        "status", "veterinary", "last_reviewed", "stale", "kb",
    ]  # fmt: skip
    assert set(record["sport"]) == {"status", "section", "list_year"}


def test_check_empty_input_gives_an_empty_json_array(runner: CliRunner) -> None:
    assert (
        json.loads(run(runner, "check", "-", "--format", "json", input="\n# none\n").stdout) == []
    )


def test_check_reads_a_file(runner: CliRunner, tmp_path: Any) -> None:
    names = tmp_path / "names.txt"
    names.write_text("sermorelin\n", encoding="utf-8")
    result = run(runner, "check", str(names), "--format", "jsonl")
    assert json.loads(result.stdout)["id"] == "sermorelin"
    assert run(runner, "check", str(tmp_path / "missing.txt")).exit_code == 2


def test_check_handles_many_lines(runner: CliRunner) -> None:
    lines = "\n".join(["ipamorelin", "unknownthing"] * 5000) + "\n"
    result = run(runner, "check", "-", "--format", "jsonl", input=lines)
    assert result.stdout.count("\n") == 10_000


@pytest.mark.parametrize("fmt", ["table", "jsonl"])
def test_check_memory_stays_flat_with_a_huge_line(fmt: str) -> None:
    """M12: one 200 MB line with no newline; 0.1.0 held it (and wrote it back) whole."""
    import subprocess
    import sys

    code = (
        "import resource, subprocess, sys\n"
        "p = subprocess.Popen([sys.executable, '-m', 'gslookup', 'check', '-', '-f', sys.argv[1]],"
        " stdin=subprocess.PIPE, stdout=subprocess.PIPE)\n"
        "chunk = b'a' * (1 << 20)\n"
        "for _ in range(200): p.stdin.write(chunk)\n"
        "p.stdin.write(b'\\nipamorelin\\n'); p.stdin.close()\n"
        "out = p.stdout.read(); p.wait()\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(p.returncode, len(out), peak, out.count(b'ipamorelin'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, fmt], capture_output=True, text=True, timeout=300
    )
    code_, size, peak_kib, found = (int(x) for x in done.stdout.split())
    assert code_ == 0, done.stderr
    assert size < 20_000  # the long input is cut, not echoed back whole
    assert peak_kib < 120 * 1024  # MiB-scale, not the size of the line
    assert found >= 1


# ---- fields, stamp, schema


def test_unknown_field_is_a_usage_error_listing_the_fields(runner: CliRunner) -> None:
    result = run(runner, "ipamorelin", "--json", "--fields", "id,nonsense")
    assert result.exit_code == 2
    assert "nonsense" in result.stderr and "bottom_line" in result.stderr


def test_every_record_carries_the_kb_stamp(runner: CliRunner) -> None:
    record = json.loads(run(runner, "ipamorelin", "--json").stdout)
    assert re.match(r"^sha256:[0-9a-f]{16}$", record["kb"]["hash"])
    view = run(runner, "ipamorelin", "--color", "never").stdout
    assert record["kb"]["hash"] in view


def test_record_keys_match_the_schema_and_the_field_list(runner: CliRunner) -> None:
    record = json.loads(run(runner, "ipamorelin", "--json").stdout)
    schema = json.loads(run(runner, "schema").stdout)
    assert list(record) == RECORD_FIELDS == schema["required"]


def test_completion_offers_compound_names() -> None:
    from gslookup.commands.common import _complete_names

    labels = [item.value for item in _complete_names("ipa")]
    assert "ipamorelin" in labels
    assert "MK-677" in [item.value for item in _complete_names("MK")]
