"""Reading files of paper ballots: CSV or a pabulib VOTES section, every layout problem on its line."""

from decimal import Decimal

import pytest

from veche.budgeting.engine.paper import PaperRow, read_paper, split_list


def test_a_csv_file_with_commas_or_spaces_between_ids_reads_every_row() -> None:
    read = read_paper(b'\xef\xbb\xbfballot,vote\nA1,"3,4"\n\nA2,5 6\nA3,None\n', cumulative=False)

    assert read.format == "csv" and read.problems == []
    assert read.rows == [
        PaperRow(2, "A1", ("3", "4"), None),
        PaperRow(4, "A2", ("5", "6"), None),
        PaperRow(5, "A3", (), None),
    ]


def test_a_pabulib_votes_section_with_points_reads_them_as_numbers() -> None:
    read = read_paper("VOTES\nvoter_id;vote;points\n7;1,2;3, 4\n8;2;x\n", cumulative=True)

    assert read.format == "pabulib" and read.problems == []
    assert read.rows[0] == PaperRow(3, "7", ("1", "2"), (Decimal(3), Decimal(4)))
    assert read.rows[1].points == (None,)  # not a number: the caller refuses the ballot


@pytest.mark.parametrize(
    ("text", "cumulative", "expected"),
    [
        ("\n\n", False, [(3, "no_header", {}, "the header line is missing.")]),
        (
            "ballot;choice\n",
            True,
            [
                (1, "missing_column", {"name": "vote"}, "the header lacks the column vote."),
                (1, "missing_column", {"name": "points"}, "the header lacks the column points."),
            ],
        ),
        (
            'voter_id;vote\nA1;1\nA2;"1\nA3;1;2\n',
            False,
            [
                (3, "bad_quoting", {}, "the quoting is broken."),
                (4, "wrong_width", {"n": 3, "m": 2}, "3 fields, but the header has 2."),
            ],
        ),
    ],
)
def test_each_layout_problem_has_its_line_code_and_english(text, cumulative, expected) -> None:
    read = read_paper(text, cumulative=cumulative)

    assert [(p.line, p.code, p.params, p.message) for p in read.problems] == expected
    assert str(read.problems[0]).startswith(f"line {expected[0][0]}: ")


def test_bytes_that_are_not_utf8_raise() -> None:
    with pytest.raises(UnicodeDecodeError):
        read_paper("ballot;vote\nА1;1\n".encode("cp1251"), cumulative=False)


def test_lists_split_on_commas_else_on_spaces() -> None:
    assert split_list(" 1, 2 ,3 ") == ("1", "2", "3")
    assert split_list("1 2  3") == ("1", "2", "3")
    assert split_list("None") == split_list("") == ()
