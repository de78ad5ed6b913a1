"""Markdown written by people is rendered without scripts, handlers or dangerous links."""

from django.utils.safestring import SafeString

from veche.core.sanitize import markdown_text, plain_text, render_markdown


def test_script_tags_and_their_content_are_removed():
    html = render_markdown("Hello <script>alert('x')</script> world")
    assert "<script" not in html
    assert "alert" not in html
    assert "Hello" in html


def test_event_handlers_are_removed():
    html = render_markdown('<img src="x" onerror="alert(1)"> <a href="https://a.example" onclick="x()">a</a>')
    assert "onerror" not in html
    assert "onclick" not in html
    assert "<img" not in html


def test_javascript_links_lose_their_href():
    html = render_markdown("[click me](javascript:alert(document.cookie))")
    assert "javascript:" not in html
    assert "click me" in html


def test_bold_and_links_are_kept_with_rel_nofollow():
    html = render_markdown("**important** see [the site](https://example.org/page)")
    assert isinstance(html, SafeString)
    assert "<strong>important</strong>" in html
    assert 'href="https://example.org/page"' in html
    assert 'rel="nofollow noopener ugc"' in html


def test_plain_text_drops_every_tag():
    assert plain_text("  <b>Park</b> <i>renovation</i> <script>evil()</script> ") == "Park renovation"
    assert plain_text("Just text") == "Just text"


TEXT_WITH_ANGLES = ["1 < 2", "x<y>z", "<notatag", "a<b and c>d", "if a<b or b>c then", "</nope> 2>1"]


def test_angle_brackets_that_make_no_tag_stay_as_escaped_text():
    for text in TEXT_WITH_ANGLES:
        html = render_markdown(text)
        escaped = text.replace("<", "&lt;").replace(">", "&gt;")
        assert html == f"<p>{escaped}</p>", text
        assert plain_text(text) == text
        assert markdown_text(text) == text


def test_angle_text_beside_real_tags_keeps_the_text_and_strips_the_tags():
    html = render_markdown("a<b and c>d <script>alert(1)</script> <img src=x onerror=alert(1)> **x<y**")
    assert "a&lt;b and c&gt;d" in html and "<strong>x&lt;y</strong>" in html
    assert "<script" not in html and "alert" not in html and "<img" not in html and "onerror" not in html
    assert plain_text("x<y>z <script>evil()</script><b>bold</b>") == "xz bold".replace("xz", "x<y>z")
    assert render_markdown("`a<b>c`") == "<p><code>a&lt;b&gt;c</code></p>"


def test_short_texts_are_rendered_once_and_long_ones_each_time():
    from veche.core import sanitize

    sanitize._render_remembered.cache_clear()
    short = "A **short** text [link](https://a.example)"
    first = render_markdown(short)
    assert render_markdown(short) is first
    assert sanitize._render_remembered.cache_info().hits == 1
    long = "word " * (sanitize.MEMO_TEXT_MAX // 5 + 1)
    assert render_markdown(long) == render_markdown(long)
    assert sanitize._render_remembered.cache_info().currsize == 1
    assert render_markdown(short) == sanitize._render(short)
