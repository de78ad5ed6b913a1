"""How the organiser's text is split into sections (`splitting.split_text`)."""

from veche.drafting.splitting import Part, join_parts, split_text


def test_level_two_headings_open_sections_and_give_their_numbers():
    parts = split_text(
        "Intro text.\n\n## 1. Paths\nKeep clean.\n\n## 2.1 Benches\nEvery 50 m.\n## Light\nTill midnight."
    )
    assert parts == [
        Part("0", "", "Intro text."),
        Part("1", "Paths", "Keep clean."),
        Part("2.1", "Benches", "Every 50 m."),
        Part("2.1.1", "Light", "Till midnight."),
    ]


def test_numbered_paragraphs_open_sections_and_unnumbered_ones_follow():
    parts = split_text("1. First rule.\n\nIts detail.\n\n2.1) Second rule.\n\n3. Third.")
    assert parts == [
        Part("1", "", "First rule.\n\nIts detail."),
        Part("2.1", "", "Second rule."),
        Part("3", "", "Third."),
    ]


def test_without_headings_or_numbers_every_paragraph_is_a_section():
    assert split_text("One.\r\n\r\nTwo.\n   \nThree.") == [
        Part("1", "", "One."),
        Part("2", "", "Two."),
        Part("3", "", "Three."),
    ]


def test_empty_text_has_no_sections_and_a_lone_heading_is_kept():
    assert split_text("  \n\n ") == []
    assert split_text("## Only a heading") == [Part("1", "Only a heading", "")]


def test_a_third_level_heading_stays_in_the_body():
    parts = split_text("## A\ntext\n### detail\nmore")
    assert parts == [Part("1", "A", "text\n### detail\nmore")]


def test_joined_parts_split_back_the_same():
    parts = [Part("0", "", "Preamble."), Part("2", "Paths", "Clean."), Part("2.1", "Benches", "Many.")]
    assert split_text(join_parts(parts)) == parts
