"""Fixed placeholder sets for staff-written templates ({注文番号}, {商品名} …), filled by plain replacement.

No template language: a template is text staff write and buyers (or Rakuten's item page) read, so it may
only name one of a fixed set of values, never an attribute, filter or tag, and nothing in it can reach a
model. An unknown name is refused when the template is saved and left as written if it reaches rendering.
The buyer-message templates (orders/messages.py) and the listing templates (rakuten_link/listing) each
have their own set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,30})\}")


class Placeholders:
    """One fixed set of placeholder names, and what can be done with text that uses them."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)

    def unknown(self, text: str) -> list[str]:
        """The placeholder names in ``text`` outside the set, once each, in order of appearance."""
        return list(dict.fromkeys(name for name in _PLACEHOLDER.findall(text or "") if name not in self.names))

    def unknown_error(self, text: str) -> str | None:
        """The message staff see for unknown placeholders, or None when every one is allowed."""
        unknown = self.unknown(text)
        if not unknown:
            return None
        return _("Unknown placeholder(s): %(unknown)s. Use only these: %(allowed)s.") % {
            "unknown": " ".join(f"{{{name}}}" for name in unknown),
            "allowed": " ".join(f"{{{name}}}" for name in self.names),
        }

    def render(self, text: str, values: Mapping[str, str]) -> str:
        """Replace each known placeholder by its value (missing → ""); anything else stays as written."""

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            return str(values.get(name, "")) if name in self.names else match.group(0)

        return _PLACEHOLDER.sub(replace, text or "")
