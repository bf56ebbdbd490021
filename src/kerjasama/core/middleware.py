"""Request middleware: the UI language, and a request id that becomes the change-log context."""

import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from kerjasama.core.context import bind_request, unbind


def chosen_language(request) -> str:
    """The language the visitor picked with the language switch, else ``settings.LANGUAGE_CODE``.

    The switch (``/i18n/setlang/``) stores the choice in ``settings.LANGUAGE_COOKIE_NAME``; a cookie
    naming a language that is not offered counts as no choice.
    """
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie:
        try:
            return translation.get_supported_language_variant(cookie)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activate Indonesian for every request unless the visitor explicitly chose another language.

    Replaces Django's LocaleMiddleware, which follows the browser's Accept-Language and so gives
    English to anyone whose browser prefers it. The choice is the language cookie set by the switch
    (``/i18n/setlang/``); pages, form errors and API messages all follow it. Adds ``Content-Language``
    and ``Vary: Cookie`` to every response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        # override() puts the thread's previous language back afterwards, so code that runs after the
        # request in the same thread (a test, a worker's next job) does not inherit this visitor's choice.
        # Responses are rendered inside get_response, so nothing is translated after the block.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        # The same URL answers in another language once the cookie is set: caches must key on it.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class RequestContextMiddleware:
    """Attach ``request.id`` (echoed as ``X-Request-ID``) and bind the request to the change log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4()
        token = bind_request(request)
        try:
            response = self.get_response(request)
        finally:
            unbind(token)
        response["X-Request-ID"] = str(request.id)
        return response
