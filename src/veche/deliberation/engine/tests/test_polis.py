"""Polis CSV: the seven real exports read, written back and read again, and every broken file named by
file and line."""

import csv
import io
import shutil
from collections import Counter
from pathlib import Path

import pytest

from veche.deliberation.engine.polis import (
    FIELD_LIMIT,
    Comment,
    Conversation,
    PolisError,
    VoteRow,
    neutralise,
    read_polis,
    unneutralise,
    write_comments,
    write_participants_votes,
    write_polis,
    write_votes,
)

DATA = Path(__file__).resolve().parent / "data" / "polis"
CONVERSATIONS = sorted(path.name for path in DATA.iterdir() if path.is_dir())


def summary(name: str) -> dict[str, str]:
    with open(DATA / name / "summary.csv", encoding="utf-8", newline="") as handle:
        return {row[0]: row[1] for row in csv.reader(handle) if len(row) >= 2}


def test_there_are_seven_conversations_in_both_variants() -> None:
    assert len(CONVERSATIONS) == 7
    headers = {
        (DATA / name / "comments.csv").read_text(encoding="utf-8").split("\n", 1)[0] for name in CONVERSATIONS
    }
    assert any("datetime" in header for header in headers)
    assert any("is-meta" in header and "datetime" not in header for header in headers)


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_reads_each_real_conversation(name: str) -> None:
    conversation = read_polis(DATA / name)
    facts = summary(name)
    voters = {row.voter for row in conversation.votes}
    assert len(voters) == int(facts["voters"])
    # Some exports count every comment, others only those shown (moderated-out ones left out).
    shown = [c for c in conversation.comments if c.moderated != -1]
    assert int(facts["comments"]) in (len(conversation.comments), len(shown))
    with open(DATA / name / "votes.csv", encoding="utf-8", newline="") as handle:
        assert len(conversation.votes) == sum(1 for _ in handle) - 1  # no quoted fields: a line a vote
    assert {row.vote for row in conversation.votes} <= {1, -1, 0}
    assert {c.moderated for c in conversation.comments} <= {-1, 0, 1}


def test_reads_a_multiline_comment_and_the_newer_columns() -> None:
    conversation = read_polis(DATA / "bg2050-volunteers")
    by_id = {c.id: c for c in conversation.comments}
    assert "\n" in by_id[3].text
    assert by_id[2] == Comment(
        id=2,
        author=0,
        text="I hope it can retain its southern hospitality",
        moderated=1,
        timestamp_ms=1726860676783,
        agrees=57,
        disagrees=0,
    )


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_writes_what_it_reads(name: str, tmp_path: Path) -> None:
    conversation = read_polis(DATA / name)
    write_polis(tmp_path, conversation)
    again = read_polis(tmp_path)
    assert again == conversation
    header = (tmp_path / "comments.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert header == "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body"
    header = (tmp_path / "votes.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert header == "timestamp,datetime,comment-id,voter-id,vote"


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_participants_votes_is_polis_own_cell_for_cell(name: str) -> None:
    conversation = read_polis(DATA / name)
    authored = dict(Counter(comment.author for comment in conversation.comments))
    out = io.StringIO()
    write_participants_votes(out, conversation.matrix(hidden=True), {}, authored)
    ours = {row["participant"]: row for row in csv.DictReader(io.StringIO(out.getvalue(), newline=""))}
    with open(DATA / name / "participants-votes.csv", encoding="utf-8", newline="") as handle:
        polis = list(csv.DictReader(handle))
    assert len(ours) == len(polis)
    for row in polis:
        mine = ours[row["participant"]]
        for column, value in row.items():
            if column not in ("group-id", "xid"):
                assert mine.get(column, "") == value, (row["participant"], column)


def test_round_trip_of_awkward_texts(tmp_path: Path) -> None:
    texts = [
        '=HYPERLINK("http://x")',
        "+1 for this",
        "-not a formula, still neutralised",
        "@SUM(A1)",
        "\tindented",
        "\rcarriage",
        "'=already quoted",
        "''+twice",
        "'just a quote",
        'plain, with "quotes" and a\nnew line',
        "'",
        "Ура, кириллица и 中文",
    ]
    comments = [Comment(id=i, author=i % 3, text=text, moderated=(i % 3) - 1) for i, text in enumerate(texts)]
    votes = [
        VoteRow(timestamp_ms=1000 + i, comment=i % len(texts), voter=i // 4, vote=(i % 3) - 1)
        for i in range(40)
    ]
    conversation = Conversation(comments=comments, votes=votes)
    out = io.StringIO()
    write_comments(out, comments)
    cells = [row[-1] for row in csv.reader(io.StringIO(out.getvalue(), newline=""))][1:]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert cells[0] == '\'=HYPERLINK("http://x")'
    write_polis(tmp_path, conversation)
    assert read_polis(tmp_path) == conversation


def test_neutralise_is_one_function_with_an_inverse() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("hello") == "hello"
    assert neutralise("") == ""
    for text in ("=1", "'=1", "''@x", "'", "", "a", "-"):
        assert unneutralise(neutralise(text)) == text


def test_votes_are_written_in_polis_order() -> None:
    out = io.StringIO()
    write_votes(out, [VoteRow(timestamp_ms=1500000000000, comment=3, voter=7, vote=-1)])
    lines = out.getvalue().splitlines()
    assert lines[0] == "timestamp,datetime,comment-id,voter-id,vote"
    assert lines[1] == "1500000000000,Fri Jul 14 02:40:00 UTC 2017,3,7,-1"


def test_a_timestamp_out_of_range_still_round_trips(tmp_path: Path) -> None:
    conversation = Conversation(
        comments=[Comment(id=1, author=2, text="x", timestamp_ms=10**18)],
        votes=[VoteRow(timestamp_ms=-(10**18), comment=1, voter=2, vote=1)],
    )
    write_polis(tmp_path, conversation)
    assert read_polis(tmp_path) == conversation


# Broken files -----------------------------------------------------------------------------------------

GOOD_COMMENTS = """timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body
1,x,0,0,1,0,1,First
2,x,1,0,0,1,-1,"Second, hidden"
3,x,2,1,0,0,0,Third
"""
GOOD_VOTES = """timestamp,datetime,comment-id,voter-id,vote
10,x,0,0,1
11,x,1,0,-1
12,x,2,1,0
13,x,0,1,-1
"""


def folder(
    tmp_path: Path, comments: str | bytes | None = GOOD_COMMENTS, votes: str | bytes | None = GOOD_VOTES
) -> Path:
    for name, content in (("comments.csv", comments), ("votes.csv", votes)):
        if isinstance(content, str):
            (tmp_path / name).write_text(content, encoding="utf-8")
        elif isinstance(content, bytes):
            (tmp_path / name).write_bytes(content)
    return tmp_path


def error_of(path: Path) -> str:
    with pytest.raises(PolisError) as caught:
        read_polis(path)
    return str(caught.value)


def test_the_good_folder_reads(tmp_path: Path) -> None:
    conversation = read_polis(folder(tmp_path))
    assert [c.id for c in conversation.comments] == [0, 1, 2]
    assert conversation.comments[1].text == "Second, hidden"
    assert conversation.votes[3] == VoteRow(timestamp_ms=13, comment=0, voter=1, vote=-1)


def test_a_bom_and_crlf_line_ends_are_accepted(tmp_path: Path) -> None:
    comments = ("\ufeff" + GOOD_COMMENTS).replace("\n", "\r\n").encode("utf-8")
    conversation = read_polis(folder(tmp_path, comments=comments))
    assert [c.id for c in conversation.comments] == [0, 1, 2]


def test_columns_are_found_by_name_in_any_order(tmp_path: Path) -> None:
    votes = "vote,voter-id,comment-id\n1,5,2\n"
    assert read_polis(folder(tmp_path, votes=votes)).votes == [
        VoteRow(timestamp_ms=0, comment=2, voter=5, vote=1)
    ]


@pytest.mark.parametrize(
    ("comments", "votes", "message"),
    [
        (None, GOOD_VOTES, "comments.csv: file not found in "),
        (GOOD_COMMENTS, None, "votes.csv: file not found in "),
        ("", GOOD_VOTES, "comments.csv, line 1: the file is empty"),
        (GOOD_COMMENTS, "\n\n", "votes.csv, line 1: the file is empty"),
        (
            GOOD_COMMENTS.replace("moderated,", "mod,"),
            GOOD_VOTES,
            "comments.csv, line 1: missing column 'moderated'",
        ),
        (
            GOOD_COMMENTS,
            GOOD_VOTES.replace("voter-id", "voter"),
            "votes.csv, line 1: missing column 'voter-id'",
        ),
        (
            GOOD_COMMENTS,
            GOOD_VOTES.replace("12,x,2,1,0", "12,x,2,one,0"),
            "votes.csv, line 4: voter-id must be an integer, not 'one'",
        ),
        (
            GOOD_COMMENTS.replace("3,x,2,1", "3,x,2.5,1"),
            GOOD_VOTES,
            "comments.csv, line 4: comment-id must be an integer, not '2.5'",
        ),
        (
            GOOD_COMMENTS,
            GOOD_VOTES.replace("13,x,0,1,-1", "13,x,0,1,2"),
            "votes.csv, line 5: vote must be 1, -1 or 0",
        ),
        (
            GOOD_COMMENTS.replace("0,1,-1,", "0,1,-2,"),
            GOOD_VOTES,
            "comments.csv, line 3: moderated must be -1, 0 or 1",
        ),
        (
            GOOD_COMMENTS,
            GOOD_VOTES.replace("11,x,1,0", "11,x,9,0"),
            "votes.csv, line 3: vote on comment 9, which comments.csv does not have",
        ),
        (
            GOOD_COMMENTS + "4,x,2,1,0,0,0,Again\n",
            GOOD_VOTES,
            "comments.csv, line 5: comment-id 2 appears twice",
        ),
        (
            GOOD_COMMENTS.replace(',"Second, hidden"', ',"Second" hidden'),
            GOOD_VOTES,
            "comments.csv, line 3: broken CSV",
        ),
        (
            GOOD_COMMENTS + '4,x,3,1,0,0,0,"never closed\nmore\n',
            GOOD_VOTES,
            "comments.csv, line 5: broken CSV",
        ),
        (
            GOOD_COMMENTS,
            GOOD_VOTES.replace("12,x,2,1,0", "12,x,2,1"),
            "votes.csv, line 4: 4 fields where the header has 5",
        ),
        (
            GOOD_COMMENTS.encode("utf-8").replace(b"Third", b"Th\xe9ird"),
            GOOD_VOTES,
            "comments.csv, line 4: not UTF-8 text",
        ),
    ],
)
def test_broken_files_are_named_by_file_and_line(
    tmp_path: Path, comments: str | bytes | None, votes: str | None, message: str
) -> None:
    assert error_of(folder(tmp_path, comments=comments, votes=votes)).startswith(message)


def test_the_line_of_a_record_after_a_multiline_field(tmp_path: Path) -> None:
    comments = GOOD_COMMENTS.replace("First", '"First\nof two lines"') + "4,x,3,1,0,0,7,Bad\n"
    assert (
        error_of(folder(tmp_path, comments=comments)) == "comments.csv, line 6: moderated must be -1, 0 or 1"
    )


def test_a_huge_field_is_refused_at_the_cap(tmp_path: Path) -> None:
    comments = GOOD_COMMENTS + f"4,x,3,1,0,0,1,{'x' * (FIELD_LIMIT + 1)}\n"
    message = error_of(folder(tmp_path, comments=comments))
    assert message == "comments.csv, line 5: a field is longer than 131,072 characters (the reader's cap)"


def test_a_field_at_the_cap_is_read(tmp_path: Path) -> None:
    comments = GOOD_COMMENTS + f"4,x,3,1,0,0,1,{'x' * FIELD_LIMIT}\n"
    assert len(read_polis(folder(tmp_path, comments=comments)).comments[-1].text) == FIELD_LIMIT


def test_a_header_only_votes_file_is_a_conversation_without_votes(tmp_path: Path) -> None:
    conversation = read_polis(folder(tmp_path, votes="timestamp,datetime,comment-id,voter-id,vote\n"))
    assert conversation.votes == []


def test_reading_a_real_folder_copy_does_not_need_the_other_files(tmp_path: Path) -> None:
    for name in ("comments.csv", "votes.csv"):
        shutil.copy(DATA / "london.youth.policing" / name, tmp_path / name)
    assert len(read_polis(tmp_path).comments) == 39
