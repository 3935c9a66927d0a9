"""compare (issue 22): planted changes are named in the page and the CSV; snapshots; rounds."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from strategy_kit.cli import cli

CASES = Path(__file__).parents[1] / "cases"
START = "2025-01-01"


def _set(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _plant(case: Path) -> None:
    """A rank swap (mps influence), a window lost (verdict fades), a lead frame changed."""
    _set(case / "audiences.csv", "mps,Members of parliament,Decision makers,0.8",
         "mps,Members of parliament,Decision makers,0.9")
    _set(case / "moments.csv", "verdict,Verdict,crisis,2025-12-19,,none,0.4",
         "verdict,Verdict,crisis,2025-12-19,,none,0.1")
    f = case / "frame_interests.csv"
    text = f.read_text()
    assert re.search(r"^hope,security,1(\.0)?$", text, flags=re.M)
    # to 0: a positive frame that still applies keeps the lead (method.md §Messages)
    f.write_text(re.sub(r"^hope,security,1(\.0)?$", "hope,security,0", text, flags=re.M))


def _run(*args: str) -> tuple[str, str]:
    r = CliRunner().invoke(cli, list(args))
    assert r.exit_code == 0, r.output
    return r.stdout, r.stderr


def _check(html: Path, csv_text: str) -> None:
    page = html.read_text()
    rows = pd.read_csv(io.StringIO(csv_text))
    swap = rows[(rows["goal"] == "sanctions") & rows["item"].isin(["mps", "press"])
                & (rows["kind"] == "rank")]
    assert set(swap["change"]) == {"rank 3 → 2", "rank 2 → 3"}
    assert "audiences mps: influence 0.8 → 0.9" in swap.set_index("item").loc["press", "cause"]
    lost = rows[(rows["kind"] == "window") & (rows["item"] == "diaspora")]
    assert list(lost["change"]) == ["window lost (Verdict)"]
    assert "moments verdict: intensity 0.4 → 0.1" in lost.iloc[0]["cause"]
    frames = rows[(rows["kind"] == "frame") & (rows["item"] == "mps")]
    assert set(frames["before"]) == {"Hope"} and set(frames["after"]) == {"Fear"}
    assert "frame_interests hope/security: relevance 1 → 0" in frames.iloc[0]["cause"]
    for text in ("rank 3 → 2", "window lost (Verdict)", "Hope", "Fear",
                 "audiences mps: influence 0.8 → 0.9"):
        assert text.replace("→", "→") in page
    # offline: nothing to load from anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page


def test_two_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "before", tmp_path / "after"
    shutil.copytree(CASES / "tiny", a)
    shutil.copytree(CASES / "tiny", b)
    _plant(b)
    out, err = _run("compare", str(a), str(b), "--start", START, "--out", str(tmp_path / "r"),
                    "--csv")
    _check(Path(err.strip().splitlines()[-1]), out)


def test_two_scenarios(tmp_path: Path) -> None:
    case = tmp_path / "tiny"
    shutil.copytree(CASES / "tiny", case)
    (case / "scenarios").mkdir()
    (case / "scenarios" / "base.yaml").write_text("title: As it is\n")
    (case / "scenarios" / "planted.yaml").write_text(
        "title: Planted\noverrides:\n  audiences:\n    - {id: mps, influence: 0.9}\n"
        "  moments:\n    - {id: verdict, intensity: 0.1}\n"
        "  frame_interests:\n    - {frame: hope, interest: security, relevance: 0}\n")
    out, err = _run("compare", f"{case}#base", "--scenario-b", "planted", "--start", START,
                    "--out", str(tmp_path / "r"), "--csv")
    html = Path(err.strip().splitlines()[-1])
    _check(html, out)
    assert "Planted" in html.read_text()


@pytest.mark.parametrize("workbook", [False, True])
def test_snapshot_then_compare(tmp_path: Path, workbook: bool) -> None:
    case = tmp_path / "tiny"
    shutil.copytree(CASES / "tiny", case)
    if workbook:
        _run("convert", str(case), str(tmp_path / "tiny.xlsx"))
        case = tmp_path / "tiny.xlsx"
    out, _ = _run("snapshot", str(case), "--date", "2026-12-04")
    snap = tmp_path / "snapshots" / "2026-12-04" if workbook else case / "snapshots" / "2026-12-04"
    assert snap.is_dir() and str(snap) in out
    assert not [p for p in snap.parent.iterdir() if p.name.startswith(".")]  # no leftovers
    if workbook:
        shutil.rmtree(tmp_path / "tiny")
        work = tmp_path / "edit"
        _run("convert", str(case), str(work))
        _plant(work)
        case.unlink()
        _run("convert", str(work), str(case))
    else:
        _plant(case)
    out, err = _run("compare", f"{case}@2026-12-04", str(case), "--start", START,
                    "--out", str(tmp_path / "r"), "--csv")
    _check(Path(err.strip().splitlines()[-1]), out)
    r = CliRunner().invoke(cli, ["snapshot", str(case), "--date", "2026-12-04"])
    assert r.exit_code == 2 and "already taken" in r.output


def test_an_interrupted_snapshot_leaves_nothing(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from strategy_kit.case import snapshot

    case = tmp_path / "tiny"
    shutil.copytree(CASES / "tiny", case)
    calls = []

    def broken(src: object, dst: object, *a: object, **k: object) -> None:
        calls.append(dst)
        if len(calls) > 3:
            raise KeyboardInterrupt
        shutil.copyfile(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshot.shutil, "copy2", broken)
    with pytest.raises(KeyboardInterrupt):
        snapshot.take_snapshot(case)
    assert list((case / "snapshots").iterdir()) == []


def test_unknown_snapshot_names_the_ones_there(tmp_path: Path) -> None:
    case = tmp_path / "tiny"
    shutil.copytree(CASES / "tiny", case)
    r = CliRunner().invoke(cli, ["compare", f"{case}@2020-01-01", str(case)])
    assert r.exit_code == 2 and "none yet" in r.output


def test_two_rounds(tmp_path: Path) -> None:
    case = tmp_path / "workshop"
    shutil.copytree(CASES / "workshop", case)
    ratings = case / "ratings"
    # round 2: three raters who now agree that MPs have medium influence
    lines = ["rater,group,round,show_name", *[f"{n},,1," for n in
             ("aino", "bjarki", "chidi", "dagny", "emeka", "fumiko")]]
    for n in ("aino", "bjarki", "dagny"):
        shutil.copytree(ratings / n, ratings / f"{n}-again")
        f = ratings / f"{n}-again" / "influence.csv"
        f.write_text(re.sub(r"^mps,Members of parliament,\w+", "mps,Members of parliament,medium",
                            f.read_text(), flags=re.M))
        lines.append(f"{n}-again,,2,")
    (ratings / "raters.csv").write_text("\n".join(lines) + "\n")
    out, err = _run("compare", str(case), "--round-a", "1", "--round-b", "2", "--start", START,
                    "--out", str(tmp_path / "r"), "--csv")
    rows = pd.read_csv(io.StringIO(out))
    mps = rows[(rows["kind"] == "rating") & (rows["item"] == "mps")]
    assert len(mps) == 1 and "converged" in mps.iloc[0]["change"]
    assert "spread 0.00" in mps.iloc[0]["after"]
    assert "audiences: mps" in Path(err.strip().splitlines()[-1]).read_text()
    out, _ = _run("agreement", str(case), "--round", "1", "--csv")
    assert out.startswith("table,") and "mps" in out
    out, _ = _run("agreement", str(case), "--round", "2")
    assert out.startswith("Round 2 (3 raters)")
    r = CliRunner().invoke(cli, ["agreement", str(case), "--round", "3"])
    assert r.exit_code == 2 and "1, 2" in r.output


def test_git_revision(tmp_path: Path) -> None:
    import subprocess

    case = tmp_path / "repo" / "tiny"
    shutil.copytree(CASES / "tiny", case)
    git = ["git", "-C", str(tmp_path / "repo"), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "before"], check=True)
    _plant(case)  # not committed: HEAD is the case before
    out, err = _run("compare", f"{case}@git:HEAD", str(case), "--start", START,
                    "--out", str(tmp_path / "r"), "--csv")
    _check(Path(err.strip().splitlines()[-1]), out)
    r = CliRunner().invoke(cli, ["compare", f"{case}@git:no-such-rev", str(case)])
    assert r.exit_code == 2 and "git revision" in r.output


def test_a_scenario_wins_over_the_raters_medians(tmp_path: Path) -> None:
    import strategy_kit as sk

    case = tmp_path / "workshop"
    shutil.copytree(CASES / "workshop", case)
    (case / "scenarios").mkdir()
    (case / "scenarios" / "s.yaml").write_text(
        "title: S\noverrides:\n  audiences:\n    - {id: mps, influence: 0.1}\n")
    rated = sk.load_case(case).audiences.set_index("id")["influence"]
    scen = sk.load_case(case, scenario="s").audiences.set_index("id")["influence"]
    own = sk.load_case(case, ratings=False).audiences.set_index("id")["influence"]
    assert scen["mps"] == 0.1 and rated["mps"] != own["mps"]  # the raters moved mps
    others = [a for a in rated.index if a != "mps"]
    assert (scen[others] == rated[others]).all()  # the medians stay everywhere else
