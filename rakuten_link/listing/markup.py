"""Script in the item page's HTML: what the pre-flight check (and a template's save) refuses.

RMS shows the descriptions as HTML on the shop's own page and refuses scripts there; anything that runs
would run for every buyer. Our own values (product names, SKU options) are escaped before they reach
these fields (templates.as_html), so what is found here was written by staff in a listing template.
The text is parsed with html.parser (attribute values unescaped as a browser does), not matched by
patterns, so ``ONCLICK``, ``jav&#x09;ascript:`` or an attribute without quotes are found alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.functional import Promise
from django.utils.translation import gettext as _

# Elements that run or embed code, or change where the page's links and scripts come from.
FORBIDDEN_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta"})
# Attributes a browser follows as a URL (srcset: each candidate starts with one).
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "background", "poster", "lowsrc",
                            "dynsrc", "codebase", "cite", "longdesc", "usemap", "xlink:href", "srcset"})
# A browser drops these anywhere in a URL's scheme ("jav\tascript:" runs) and spaces around it.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:")
# Old IE evaluated these in CSS; a url() with a script scheme too.
_CSS_SCRIPT = ("expression(", "javascript:", "vbscript:", "behavior:", "-moz-binding")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_OPEN_TAG = re.compile(r"<[a-zA-Z/!?]")


@dataclass(frozen=True)
class Problem:
    """One place where the HTML would run something: what kind, the element, and what was found."""

    kind: str  # "tag", "handler", "url", "style" or "unclosed"
    tag: str
    found: str


def script_problems(html: str) -> list[Problem]:
    """Every construct in ``html`` that could run script on the item page, once each, in order."""
    scanner = _Scanner()
    scanner.feed(html or "")
    leftover = scanner.rawdata
    problems = scanner.problems
    if _OPEN_TAG.match(leftover):
        # A tag left open at the end joins whatever RMS puts after the field on the page.
        problems.append(Problem("unclosed", "", leftover[:40]))
    return list(dict.fromkeys(problems))


def problem_message(field: str | Promise, problem: Problem) -> str:
    """What staff read: the field (its label), what was found, and what to do."""
    values = {"field": field, "tag": problem.tag, "found": problem.found}
    if problem.kind == "tag":
        return _("%(field)s contains <%(tag)s>: Rakuten refuses scripts, frames and embedded objects on an item "
                 "page. Remove it from the template.") % values
    if problem.kind == "handler":
        return _("%(field)s contains the event attribute %(found)s= (in <%(tag)s>): scripts are not allowed on an "
                 "item page. Remove it from the template.") % values
    if problem.kind == "url":
        return _("%(field)s contains a “%(found)s” URL (in <%(tag)s>): scripts are not allowed on an item page. "
                 "Use an https:// address.") % values
    if problem.kind == "style":
        return _("%(field)s contains “%(found)s” in a style (in <%(tag)s>): scripts are not allowed on an item "
                 "page. Remove it from the template.") % values
    return _("%(field)s ends inside an unclosed tag (“%(found)s”). Close the tag in the template.") % values


def script_scheme(url: str) -> str | None:
    """The script-running scheme ``url`` starts with (``javascript:``, ``data:text/html`` …), or None."""
    folded = _URL_NOISE.sub("", url).lower()
    for scheme in _SCRIPT_SCHEMES:
        if folded.startswith(scheme):
            return scheme
    if folded.startswith("data:") and not _is_plain_image(folded):
        return folded.split(";")[0].split(",")[0]
    return None


def _is_plain_image(data_url: str) -> bool:
    """A data: image a browser only draws (SVG can hold script, so it is not one)."""
    return data_url.startswith("data:image/") and not data_url.startswith("data:image/svg")


def css_script(css: str) -> str | None:
    folded = _URL_NOISE.sub("", _CSS_COMMENT.sub("", css)).lower().replace("\\", "")
    return next((what for what in _CSS_SCRIPT if what in folded), None)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[Problem] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(Problem("tag", tag, f"<{tag}>"))
        self._in_style = tag == "style"
        for name, value in attrs:
            self._attribute(tag, name, value or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        found = css_script(data) if self._in_style else None
        if found:
            self.problems.append(Problem("style", "style", found))

    def _attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.problems.append(Problem("handler", tag, name))
        elif name in URL_ATTRIBUTES:
            scheme = script_scheme(value)
            if scheme:
                self.problems.append(Problem("url", tag, scheme))
        elif name == "style":
            found = css_script(value)
            if found:
                self.problems.append(Problem("style", tag, found))
