"""The pb command: `python -m veche.budgeting.engine` without Django settings, and the management command."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from veche.budgeting.engine.tests.helpers import VALID, WIELICZKA, replace_line
from veche.budgeting.management.commands.pb import Command

ENGINE = Path(__file__).resolve().parents[1]


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "veche.budgeting.engine", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


@pytest.fixture
def valid_file(tmp_path: Path) -> Path:
    path = tmp_path / "valid.pb"
    path.write_text(VALID, encoding="utf-8")
    return path


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    path = tmp_path / "broken.pb"
    path.write_text(replace_line(replace_line(VALID, 23, "3;1,9"), 8, "num_votes;5"), encoding="utf-8")
    return path


def test_validate_ok(valid_file: Path) -> None:
    done = run_module("validate", str(valid_file))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok: 3 projects, 4 votes\n"


def test_validate_lists_every_problem_with_its_line(broken_file: Path) -> None:
    done = run_module("validate", str(broken_file))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "line 8: num_votes is 5 but VOTES has 4 rows",
        "line 23: vote names the unknown project id '9'",
    ]


def test_compute_prints_json_winners_without_django_settings() -> None:
    done = run_module(
        "compute", str(WIELICZKA), "--rule", "mes-add1", "--utilities", "cost", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert len(data["winners"]) == 30
    assert data["add1_steps"] == 164


def test_compute_refuses_a_broken_file(broken_file: Path) -> None:
    done = run_module("compute", str(broken_file), "--rule", "greedy")
    assert done.returncode == 1
    assert "line 8: num_votes is 5" in done.stderr
    assert done.stdout == ""


def test_management_command_validates(valid_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command(Command(), "validate", str(valid_file))
    assert "ok: 3 projects, 4 votes" in capsys.readouterr().out


def test_management_command_fails_on_problems(broken_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CommandError) as raised:
        call_command(Command(), "validate", str(broken_file))
    assert raised.value.returncode == 1
    assert "line 23: vote names the unknown project id '9'" in capsys.readouterr().out


def test_management_command_computes_text(valid_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command(Command(), "compute", str(valid_file), "--rule", "greedy", "--tie-breaking", "cost")
    out = capsys.readouterr().out
    assert "rule: greedy; ties broken by cost, then id" in out
    assert "2 projects funded for 1 000" in out


def test_dearest_first_tie_breaking_is_accepted(valid_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        Command(), "compute", str(valid_file), "--rule", "mes", "--tie-breaking=-cost", "--format", "json"
    )
    assert json.loads(capsys.readouterr().out)["tie_breaking"] == "-cost"


def test_engine_does_not_import_django() -> None:
    for path in ENGINE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "import django" not in source and "from django" not in source, path


# Runs `veche pb ...` in a fresh interpreter, then names what it loaded: Django's app registry, its
# database layer and command machinery, Veche's settings, numpy.
LOADED = """
import sys
from veche.__main__ import main
sys.argv = ["veche", "pb", *sys.argv[1:]]
try:
    main()
except SystemExit as stop:
    print("exit", stop.code)
prefixes = ("django.apps", "django.db", "django.core.management", "veche.settings", "numpy")
print("loaded", sorted({p for p in prefixes for m in sys.modules if m == p or m.startswith(p + ".")}))
"""


def run_veche_pb(*args: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", LOADED, *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    return done.stdout.splitlines()


def test_veche_pb_validates_without_django_or_numpy(valid_file: Path) -> None:
    assert run_veche_pb("validate", str(valid_file)) == ["ok: 3 projects, 4 votes", "exit 0", "loaded []"]


def test_veche_pb_counts_without_django(valid_file: Path) -> None:
    lines = run_veche_pb("compute", str(valid_file), "--rule", "mes", "--format", "json")
    assert lines[-2:] == ["exit 0", "loaded ['numpy']"]
    assert json.loads("\n".join(lines[:-2]))["rule"] == "mes"


def test_veche_pb_reports_problems_as_the_management_command_did(broken_file: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "veche", "pb", "validate", str(broken_file)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == "line 8: num_votes is 5 but VOTES has 4 rows"
    assert done.stderr == "CommandError: the file has problems\n"
