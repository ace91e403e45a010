"""Markdown written by managers and members, made safe to show: markdown-it-py renders it (raw HTML
allowed in, as people paste it), nh3 (Ammonia) keeps only the tags and attributes below. No request here.

What comes out has no script, no iframe, no event attribute (``onerror``…), no ``style``, and links
only to http(s), mailto or a page of the service; links get ``rel="noopener noreferrer nofollow"``;
an image without a text gets an empty one (decorative).
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_PARSER = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "kbd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def render(markdown: str) -> Markup:
    """The sanitised HTML of a Markdown text (a guide, a tool, a project). A heading of level 1
    becomes level 2: the page's title is the only ``h1``."""
    rendered = re.sub(r"<(/?)h1\b", r"<\1h2", _PARSER.render(markdown or ""))
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    # An image its author gave no text to is decorative for a screen reader (alt=""), not unnamed.
    clean = re.sub(r"<img(?![^>]*\salt=)", '<img alt=""', clean)
    return Markup(clean)  # noqa: S704 - nh3 made it safe


def plain_text(markdown: str) -> str:
    """The words of a Markdown text, without its markup (for the search index and excerpts)."""
    cleaned = nh3.clean(_PARSER.render(markdown or ""), tags=set(), attributes={})
    return " ".join(html.unescape(cleaned).split())


def excerpt(text: str, length: int = 220) -> str:
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + " …"
