"""The cluster command: `python -m veche.deliberation.engine cluster DIR` and `veche deliberation cluster`,
neither of which starts Django."""

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from veche.deliberation.engine import cli

DATA = Path(__file__).resolve().parent / "data" / "polis"
LONDON = DATA / "london.youth.policing"


def run_module(*args: str, module: str = "veche.deliberation.engine") -> subprocess.CompletedProcess[str]:
    # A settings module that does not exist: if Django started, the command would fail.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "no.such.settings"}
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def polis_grouped(folder: Path) -> set[int]:
    """Participants Polis placed in a group (read here, in the test; never in the engine)."""
    with open(folder / "participants-votes.csv", encoding="utf-8", newline="") as handle:
        return {int(row["participant"]) for row in csv.DictReader(handle) if row["group-id"] != ""}


def test_cluster_prints_the_json_with_every_grouped_participant() -> None:
    done = run_module("cluster", str(LONDON), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress when stderr is not a terminal
    answer = json.loads(done.stdout)
    assert set(answer) >= {"k", "groups", "repness", "consensus", "group_informed_consensus", "group_sizes"}
    assert answer["k"] >= 2
    assert answer["reason"] is None
    groups = {int(p): g for p, g in answer["groups"].items()}
    assert polis_grouped(LONDON) <= set(groups)
    assert set(groups.values()) == set(range(answer["k"]))
    assert sorted(answer["group_sizes"]) == sorted(list(groups.values()).count(g) for g in range(answer["k"]))


def test_json_is_the_default_and_text_is_readable() -> None:
    default = run_module("cluster", str(LONDON))
    assert json.loads(default.stdout)["k"] >= 2
    text = run_module("cluster", str(LONDON), "--format", "text")
    assert text.returncode == 0
    assert "opinion groups (sizes" in text.stdout
    assert "group 0 (" in text.stdout
    assert "#" in text.stdout


def test_veche_deliberation_cluster_reaches_it_without_django() -> None:
    done = run_module("deliberation", "cluster", str(LONDON), "--format", "json", module="veche")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["k"] >= 2


def test_veche_pb_still_goes_to_the_counting_engine() -> None:
    done = run_module("pb", "validate", "/no/such/file.pb", module="veche")
    assert done.returncode == 1
    assert "cannot read /no/such/file.pb" in done.stderr


def test_a_broken_file_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    shutil.copytree(LONDON, tmp_path / "conv")
    votes = (tmp_path / "conv" / "votes.csv").read_text(encoding="utf-8").split("\n")
    votes[11] = votes[11].rsplit(",", 1)[0] + ",5"  # line 12
    (tmp_path / "conv" / "votes.csv").write_text("\n".join(votes), encoding="utf-8")
    done = run_module("cluster", str(tmp_path / "conv"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "votes.csv, line 12: vote must be 1, -1 or 0\n"


def test_a_broken_comments_file_exits_2(tmp_path: Path) -> None:
    shutil.copytree(LONDON, tmp_path / "conv")
    comments = (tmp_path / "conv" / "comments.csv").read_text(encoding="utf-8").split("\n")
    comments[2] = comments[2].replace(",1,", ",x,", 1)
    (tmp_path / "conv" / "comments.csv").write_text("\n".join(comments), encoding="utf-8")
    done = run_module("cluster", str(tmp_path / "conv"))
    assert done.returncode == 2
    assert done.stderr.startswith("comments.csv, line 3: ")


def test_a_missing_folder_exits_2(tmp_path: Path) -> None:
    done = run_module("cluster", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert done.stderr.startswith("comments.csv: file not found in ")


def test_too_few_voters_is_an_answer_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "comments.csv").write_text(
        "timestamp,comment-id,author-id,moderated,comment-body\n1,0,0,1,One\n2,1,0,1,Two\n", encoding="utf-8"
    )
    (tmp_path / "votes.csv").write_text(
        "timestamp,comment-id,voter-id,vote\n3,0,0,1\n4,1,0,-1\n5,0,1,1\n6,1,2,0\n", encoding="utf-8"
    )
    done = run_module("cluster", str(tmp_path))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["k"] == 0
    assert answer["reason"]
    assert answer["groups"] == {}
    assert done.stderr == f"no opinion groups: {answer['reason']}\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def namespace(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_progress_goes_to_a_terminal_only_on_long_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    short = Terminal()
    assert cli.run(namespace("cluster", str(LONDON)), io.StringIO(), short) == 0
    assert short.getvalue() == ""
    monkeypatch.setattr(cli, "LONG_RUN_VOTES", 100)  # London's 640 rows count as long
    err = Terminal()
    assert cli.run(namespace("cluster", str(LONDON)), io.StringIO(), err) == 0
    assert "participants x" in err.getvalue()
    assert "clustered: " in err.getvalue()
    quiet = io.StringIO()
    assert cli.run(namespace("cluster", str(LONDON)), io.StringIO(), quiet) == 0
    assert quiet.getvalue() == ""


def test_a_caller_can_add_its_own_subcommand() -> None:
    parser = argparse.ArgumentParser()
    sub = cli.add_arguments(parser)
    sub.add_parser("import").add_argument("folder")
    assert parser.parse_args(["import", "x"]).action == "import"
    with pytest.raises(ValueError, match="unknown action"):
        cli.run(parser.parse_args(["import", "x"]), io.StringIO(), io.StringIO())
