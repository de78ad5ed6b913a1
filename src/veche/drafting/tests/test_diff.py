"""Two versions compared section by section (`diff.compare`, `diff.render`)."""

import re
import time
from dataclasses import dataclass

import pytest

from veche.drafting.diff import Piece, compare, render, words


@dataclass
class S:
    key: int
    number: str
    heading: str
    body: str


def test_sections_are_matched_by_key_and_classified():
    before = [
        S(1, "1", "Paths", "Paths are clean."),
        S(2, "2", "Benches", "Old."),
        S(3, "3", "Light", "Lamps."),
    ]
    after = [
        S(1, "1", "Paths", "Paths are clean."),
        S(3, "2", "Light", "Lamps burn."),
        S(4, "2.1", "New", "Fresh."),
    ]
    diffs = compare(before, after)
    assert [(d.key, d.status) for d in diffs] == [
        (1, "unchanged"),
        (2, "removed"),
        (3, "changed"),
        (4, "added"),
    ]
    assert diffs[2].number == "2" and diffs[1].number == "2"


def test_a_removed_first_section_comes_first():
    diffs = compare([S(1, "1", "", "a"), S(2, "2", "", "b")], [S(2, "1", "", "b")])
    assert [(d.key, d.status) for d in diffs] == [(1, "removed"), (2, "unchanged")]


def test_the_difference_is_word_by_word():
    assert words("Lamps burn till ten.", "Lamps burn till midnight.") == (
        Piece("equal", "Lamps burn till "),
        Piece("delete", "ten"),
        Piece("insert", "midnight"),
        Piece("equal", "."),
    )


@pytest.mark.language("en")
def test_rendering_escapes_the_texts_and_marks_changes_for_screen_readers():
    html = render(words("Keep <b>calm</b>", 'Keep <script>alert("x")</script> calm'))
    tags = set(re.findall(r"</?[^>]*>", html))
    assert tags <= {"<ins>", "</ins>", "<del>", "</del>", '<span class="visually-hidden">', "</span>"}
    assert "&lt;" in html and "&quot;x&quot;" in html
    assert '<ins><span class="visually-hidden">[added: </span>' in html
    assert '<del><span class="visually-hidden">[removed: </span>' in html
    assert html.count("<ins>") == html.count("</ins>") and html.count("<del>") == html.count("</del>")


def test_an_unchanged_section_renders_as_its_text():
    (d,) = compare([S(1, "1", "H", "a & b")], [S(1, "1", "H", "a & b")])
    assert d.status == "unchanged" and d.body_html == "a &amp; b" and d.heading_html == "H"


def _rejoined(pieces, side):
    return "".join(p.text for p in pieces if p.op in ("equal", side))


def test_long_sections_that_differ_throughout_are_one_replacement_in_bounded_time():
    # Alternating one-letter words: the matcher's worst case, minutes for two such 4 000-character
    # sections before MAX_TOKEN_PAIRS.
    before = " ".join("ab"[i % 2] for i in range(2000))
    after = " ".join("ba"[i % 3 % 2] for i in range(2000))
    started = time.perf_counter()
    pieces = words(before, after)
    assert time.perf_counter() - started < 0.5
    assert [p.op for p in pieces] == ["delete", "insert"]
    assert _rejoined(pieces, "delete") == before and _rejoined(pieces, "insert") == after


def test_an_edit_in_a_long_section_is_still_shown_word_by_word():
    words_of_text = [f"слово{i}" for i in range(700)]
    before = " ".join(words_of_text) + "."
    words_of_text[350] = "новое"
    after = " ".join(words_of_text) + "."
    assert len(before) > 4000
    pieces = words(before, after)
    assert [p.op for p in pieces] == ["equal", "delete", "insert", "equal"]
    assert (pieces[1].text, pieces[2].text) == ("слово350 ", "новое ")
    assert _rejoined(pieces, "delete") == before and _rejoined(pieces, "insert") == after
