"""`veche backup` and `veche restore`: a round trip through an emptied database, and the refusals."""

import io
import json
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from veche.accounts.models import User
from veche.comments.models import Comment
from veche.ops.backup import MANIFEST, database_empty, database_empty_out, rows_stored
from veche.polls.models import Poll, PollVote
from veche.polls.services import poll_vote
from veche.polls.tests.helpers import option_ids
from veche.reports.models import Report, ReportPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    make_poll: Callable[..., Poll],
    voter: User,
    author: User,
    resolved: Callable[..., Report],
    comment: Comment,
) -> dict[str, object]:
    """Activity of several apps: a poll vote, a resolved report with its photo, a comment."""
    poll = make_poll()
    poll_vote(user=voter, poll=poll, options=option_ids(poll)[:1])
    report = resolved(author)
    photo = ReportPhoto.objects.get(report=report)
    return {"vote": PollVote.objects.get(poll=poll), "report": report, "photo": photo}


def refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        call_command("restore", *args)
    assert caught.value.returncode == 2
    return caught.value


def rewritten(source: Path, target: Path, change: Callable[[dict], None]) -> Path:
    """A copy of the archive whose manifest `change` edits."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            file = old.extractfile(member)
            assert file is not None
            body = file.read()
            if member.name == MANIFEST:
                manifest = json.loads(body)
                change(manifest)
                body = json.dumps(manifest).encode()
                member.size = len(body)
            new.addfile(member, io.BytesIO(body))
    return target


def test_round_trip_through_an_empty_database(world: dict, tmp_path: Path, capsys) -> None:
    path = tmp_path / "veche.tar.gz"
    call_command("backup", str(path))
    before = rows_stored()
    vote: PollVote = world["vote"]
    photo: ReportPhoto = world["photo"]
    image = photo.image.read()
    print(f"archive: {path.stat().st_size} bytes, {sum(before.values())} rows")

    database_empty_out()
    default_storage.delete(photo.image.name)
    assert database_empty()

    call_command("restore", str(path))
    assert rows_stored() == before
    again = PollVote.objects.get(pk=vote.pk)
    assert (again.user_id, again.poll_id, again.tier, again.created_at) == (
        vote.user_id,
        vote.poll_id,
        vote.tier,
        vote.created_at,
    )
    assert list(again.choices.values_list("option_id", flat=True)) == list(
        vote.choices.values_list("option_id", flat=True)
    )
    report = Report.objects.get(pk=world["report"].pk)
    assert (report.status, report.description, report.author_id) == ("resolved", "The street light is out",
                                                                     world["report"].author_id)
    assert ReportPhoto.objects.get(pk=photo.pk).image.read() == image
    # Sequences continue after the restored ids.
    newer = Comment.objects.create(
        author=report.author, municipality=report.municipality, target=report.municipality, body="After"
    )
    assert newer.pk > max(Comment.objects.exclude(pk=newer.pk).values_list("pk", flat=True))
    assert "rows restored" in capsys.readouterr().out


def test_refusals_leave_the_database_as_it_was(world: dict, tmp_path: Path) -> None:
    path = tmp_path / "veche.tar.gz"
    call_command("backup", str(path))
    before = rows_stored()

    # A database holding data: refused, unless --force, which replaces it.
    assert "already holds data" in str(refused(str(path)))
    assert rows_stored() == before
    call_command("restore", str(path), "--force")
    assert rows_stored() == before
    # A broken archive: truncated, or not an archive at all.
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert "cannot be read" in str(refused(str(truncated), "--force"))
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not a backup at all")
    assert "cannot be read" in str(refused(str(garbage), "--force"))
    # An archive from a newer version.
    future = ["polls", "9999_future"]
    newer = rewritten(path, tmp_path / "newer.tar.gz", lambda m: m["migrations"].append(future))
    assert "polls.9999_future" in str(refused(str(newer), "--force"))
    gone = rewritten(path, tmp_path / "gone.tar.gz", lambda m: m["counts"].update({"polls.Gone": 1}))
    assert "models this code does not have: polls.Gone" in str(refused(str(gone), "--force"))
    assert rows_stored() == before

    # A failure after the rows went in (the counts do not match) rolls everything back.
    def miscount(manifest: dict) -> None:
        manifest["counts"]["polls.PollVote"] += 1

    database_empty_out()
    assert "differ from the manifest" in str(refused(str(rewritten(path, tmp_path / "bad.tar.gz", miscount))))
    assert database_empty()
