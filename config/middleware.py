"""Japanese first: the staff's language is Japanese unless they chose English in the header switch.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show an English admin
to anyone with an English browser; here only the language cookie (set by the switch) counts.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


class JapaneseFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
