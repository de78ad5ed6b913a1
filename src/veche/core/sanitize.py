"""Markdown written by people, turned into HTML that is safe to show."""

import html

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """Render Markdown without raw HTML, then keep only a small set of tags and safe links."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just cleaned it


def plain_text(text: str) -> str:
    """Text with tags (and script contents) removed, otherwise as typed: "Tom & Jerry" stays so.

    Templates escape it when they show it.
    """
    return html.unescape(nh3.clean(text, tags=set())).strip()


def markdown_text(text: str) -> str:
    """Markdown written by people as the plain text its reader sees: for notices and e-mails, which
    show text, not the marks ("**urgent**" becomes "urgent")."""
    return plain_text(render_markdown(text))
