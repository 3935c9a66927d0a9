"""Hostile and odd case files (issue 12): YAML bombs, huge cells, old Mac line endings.

Each ends in a clear problem (file, line or row, column) and exit 2, fast, never in a
traceback, a hang or a machine out of memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from strategy_kit.case import load_case
from strategy_kit.case.read import MAX_FIELD_CHARS
from strategy_kit.cli import cli

#: "Billion laughs": nine levels of nine aliases, 9**9 = 387 million items, in ~600 bytes.
BOMB = "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" if i else 'l0: &l0 ["lol"]\n'
    for i in range(10)
)
MEMORY_CAP = 1 << 30  # 1 GB: an expanded bomb needs many times more


def run_capped(args: list[str], cwd: Path, timeout: float = 60) -> tuple[int, str, float]:
    """Run the command line in a subprocess whose memory is capped; (exit, output, seconds)."""
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP}))
        from strategy_kit.cli import main
        sys.argv = ["strategy-kit", *{args!r}]
        main()
    """)
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd,
                       timeout=timeout, env={**os.environ, "NO_COLOR": "1"})
    return p.returncode, p.stdout + p.stderr, time.monotonic() - t0


@pytest.mark.parametrize(("file", "old", "new"), [
    ("case.yaml", "horizon_days: 365", "horizon_days: *l9"),
    ("case.yaml", "weights:", "weights: *l9\nunused:"),
    ("guidance.yaml", "options: [One voice, Many voices]", "options: *l9"),
])
def test_yaml_alias_bomb_is_refused_fast_under_a_memory_cap(
        template_copy: Path, file: str, old: str, new: str) -> None:
    p = template_copy / file
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(BOMB + text.replace(old, new, 1), encoding="utf-8")
    code, out, seconds = run_capped(["validate", str(template_copy)], template_copy.parent)
    assert code == 2, out
    assert "Traceback" not in out and "MemoryError" not in out
    assert f"{file}, line 1: anchors and aliases (& and *) are not allowed" in out
    assert seconds < 20  # the kit's import dominates; the refusal itself is immediate


def test_plan_file_alias_bomb_is_refused(tmp_path: Path) -> None:
    plan = tmp_path / "runs.yaml"
    plan.write_text(BOMB + "case: belarus\naudiences: *l9\n", encoding="utf-8")
    code, out, seconds = run_capped(["batch", "--plan", str(plan), "--out", str(tmp_path)],
                                    tmp_path)
    assert code == 2, out
    assert "runs.yaml, line 1: anchors and aliases" in out and "Traceback" not in out
    assert not list(tmp_path.glob("*/*.html"))


def test_messages_never_show_a_whole_unvalidated_value(edit) -> None:
    case = edit("case.yaml", "horizon_days: 365", "horizon_days: [" + "7, " * 5000 + "7]")
    result = CliRunner().invoke(cli, ["validate", str(case)])
    assert result.exit_code == 2
    line = next(x for x in result.output.splitlines() if "horizon" in x)
    assert "bad horizon" in line and len(line) < 300


def test_deep_nesting_is_a_problem_not_a_crash(edit) -> None:
    case = edit("case.yaml", "horizon_days: 365", "horizon_days: " + "[" * 5000 + "]" * 5000)
    result = CliRunner().invoke(cli, ["validate", str(case)])
    assert result.exit_code == 2, result.output
    assert "case.yaml" in result.output and "Traceback" not in result.output


# -- CSV --------------------------------------------------------------------------------------


def test_a_cell_over_the_limit_names_file_row_and_column(template_copy: Path) -> None:
    p = template_copy / "audiences.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    head = lines[1].split(",")
    head[-1] = '"' + "x" * (MAX_FIELD_CHARS + 1) + '"'
    lines[1] = ",".join(head)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for command in (["validate", str(template_copy)], ["list", str(template_copy)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2, result.output
        assert (f"audiences.csv, row 2, column '{lines[0].split(',')[-1]}': a cell of "
                f"{MAX_FIELD_CHARS + 1:,} characters") in result.output


def test_a_cell_over_pythons_csv_limit_is_a_problem_not_a_traceback(template_copy: Path) -> None:
    """Python's csv module stops at 131,072 characters; the kit names its own limit (32,767)."""
    p = template_copy / "interests.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,name,theme,description"
    long = "word " * 40_000  # 200,000 characters, with a comma-free quote-free text
    lines[1] = ",".join(lines[1].split(",")[:3] + [f'"{long}"'])
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(template_copy)])
    assert result.exit_code == 2, result.output
    assert ("interests.csv, row 2, column 'description': a cell of 200,000 characters; "
            "allowed: at most 32,767 characters") in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("ending", ["\r", "mixed"])
def test_cr_only_and_mixed_line_endings_read_as_the_same_case(template_copy: Path,
                                                              ending: str) -> None:
    before = load_case(template_copy)
    for p in template_copy.glob("*.csv"):
        lines = p.read_bytes().decode("utf-8").splitlines()
        if ending == "\r":
            text = "\r".join(lines) + "\r"
        else:
            text = "".join(x + ("\r", "\r\n", "\n")[n % 3] for n, x in enumerate(lines))
        p.write_bytes(text.encode("utf-8"))
    result = CliRunner().invoke(cli, ["validate", str(template_copy)])
    assert result.exit_code == 0, result.output
    after = load_case(template_copy)
    for table in ("audiences", "audience_interests", "moments", "actions"):
        assert getattr(after, table).equals(getattr(before, table)), table
