"""A multi-line text form field that compares and stores its lines with LF, however they were sent.

Browsers post a textarea's lines with CR LF; what a script, demo_data or an API client stored has LF. Django's
CharField compares the two as they came, so the first save of an unchanged page in a browser recorded the
field as changed in the object's history (and stored the CR LF form from then on).
"""

from __future__ import annotations

from django import forms


def lf_lines(value: str | None) -> str | None:
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class MultilineField(forms.CharField):
    widget = forms.Textarea

    def to_python(self, value: str | None) -> str | None:
        return super().to_python(lf_lines(value))

    def has_changed(self, initial: str | None, data: str | None) -> bool:
        return super().has_changed(lf_lines(initial), data)
