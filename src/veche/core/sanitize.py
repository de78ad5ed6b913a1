"""Markdown written by people, turned into HTML that is safe to show."""

import html
import re
from functools import lru_cache

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


# What a browser would take for an element: HTML's element names. `x<y>z` or `a<b and c>d` is text
# someone typed, not markup, so it is kept (escaped) rather than dropped as an unknown tag.
HTML_ELEMENTS = frozenset(
    [
        "a",
        "abbr",
        "address",
        "area",
        "article",
        "aside",
        "audio",
        "b",
        "base",
        "bdi",
        "bdo",
        "blockquote",
        "body",
        "br",
        "button",
        "canvas",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "datalist",
        "dd",
        "del",
        "details",
        "dfn",
        "dialog",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "fieldset",
        "figcaption",
        "figure",
        "font",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hgroup",
        "hr",
        "html",
        "i",
        "iframe",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "legend",
        "li",
        "link",
        "main",
        "map",
        "mark",
        "marquee",
        "math",
        "menu",
        "meta",
        "meter",
        "nav",
        "noembed",
        "noframes",
        "noscript",
        "object",
        "ol",
        "optgroup",
        "option",
        "output",
        "p",
        "param",
        "picture",
        "plaintext",
        "pre",
        "progress",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "script",
        "search",
        "section",
        "select",
        "slot",
        "small",
        "source",
        "span",
        "strike",
        "strong",
        "style",
        "sub",
        "summary",
        "sup",
        "svg",
        "table",
        "tbody",
        "td",
        "template",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "time",
        "title",
        "tr",
        "track",
        "tt",
        "u",
        "ul",
        "var",
        "video",
        "wbr",
        "xmp",
    ]
)
# Attribute names a tag of HTML (or an attack written as one) uses; a "tag" with other words in it
# (`<b and c>`) is text.
HTML_ATTRIBUTES = frozenset(
    [
        "accept",
        "action",
        "align",
        "allow",
        "alt",
        "async",
        "autofocus",
        "autoplay",
        "background",
        "border",
        "charset",
        "checked",
        "cite",
        "class",
        "color",
        "cols",
        "colspan",
        "content",
        "contenteditable",
        "controls",
        "coords",
        "data",
        "datetime",
        "decoding",
        "default",
        "defer",
        "dir",
        "disabled",
        "download",
        "draggable",
        "enctype",
        "face",
        "for",
        "form",
        "formaction",
        "frameborder",
        "headers",
        "height",
        "hidden",
        "high",
        "href",
        "hreflang",
        "http-equiv",
        "id",
        "integrity",
        "is",
        "itemprop",
        "kind",
        "label",
        "lang",
        "list",
        "loading",
        "loop",
        "low",
        "manifest",
        "max",
        "maxlength",
        "media",
        "method",
        "min",
        "multiple",
        "muted",
        "name",
        "nonce",
        "novalidate",
        "open",
        "pattern",
        "ping",
        "placeholder",
        "poster",
        "preload",
        "readonly",
        "referrerpolicy",
        "rel",
        "required",
        "reversed",
        "role",
        "rows",
        "rowspan",
        "sandbox",
        "scope",
        "selected",
        "shape",
        "size",
        "sizes",
        "slot",
        "span",
        "src",
        "srcdoc",
        "srclang",
        "srcset",
        "start",
        "step",
        "style",
        "tabindex",
        "target",
        "title",
        "translate",
        "type",
        "usemap",
        "value",
        "width",
        "wrap",
        "xmlns",
    ]
)
_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>"
    r"|(<!--[\s\S]*?-->)"  # a comment, which the cleaner drops
    r"|<"  # an angle bracket that starts no tag at all (`<notatag` at the end)
)
_ATTRIBUTE_NAME = re.compile(r"\s+([^\s\"'>/=]+)(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")


def _is_markup(match: re.Match[str]) -> bool:
    if match.group(4) is not None:
        return True
    if match.group(2) is None or match.group(2).lower() not in HTML_ELEMENTS:
        return False
    names = [name.lower() for name in _ATTRIBUTE_NAME.findall(match.group(3))]
    return all(n in HTML_ATTRIBUTES or n.startswith(("on", "data-", "aria-", "xml")) for n in names)


def keep_text_tags(text: str) -> str:
    """HTML with every would-be tag that is not markup (`<y>` in `x<y>z`, `<b and c>`) escaped, so
    that the cleaner keeps it as text; real tags are left for the cleaner to judge."""
    return _TAG.sub(lambda m: m.group(0) if _is_markup(m) else html.escape(m.group(0), quote=False), text)


# Texts up to this length are rendered once per process and remembered (the 2,048 last ones: at most
# some 10 MB): a list page renders the same descriptions request after request, and rendering one
# (Markdown, then the cleaner) cost about as much as the rest of a 20-poll API page.
MEMO_TEXT_MAX = 2000


def render_markdown(text: str) -> SafeString:
    """Render Markdown without raw HTML, then keep only a small set of tags and safe links."""
    if len(text) <= MEMO_TEXT_MAX:
        return _render_remembered(text)
    return _render(text)


@lru_cache(maxsize=2048)
def _render_remembered(text: str) -> SafeString:
    return _render(text)


def _render(text: str) -> SafeString:
    rendered = keep_text_tags(markdown.markdown(text, extensions=["sane_lists"], output_format="html"))
    clean = nh3.clean(
        rendered,
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
    return html.unescape(nh3.clean(keep_text_tags(text), tags=set())).strip()


def markdown_text(text: str) -> str:
    """Markdown written by people as the plain text its reader sees: for notices and e-mails, which
    show text, not the marks ("**urgent**" becomes "urgent")."""
    return plain_text(render_markdown(text))
