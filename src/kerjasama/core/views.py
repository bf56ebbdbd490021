"""Site-wide views that belong to no domain app."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View


class LanguageSwitchView(View):
    """``GET /bahasa/<code>/?next=...``: remember the visitor's language in a cookie and go back.

    A link rather than Django's POST form (``/i18n/setlang/``, still offered): a page with a form
    needs a CSRF token of the visitor's own, and pages without one can be served from the page cache
    to every anonymous visitor (``core.cache.ConditionalPageMixin``). Switching the language changes
    nothing but the visitor's own preference, so a GET is safe.
    """

    def get(self, request, code: str):
        if code not in dict(settings.LANGUAGES):
            raise Http404("Unknown language")
        target = request.GET.get("next", "/")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "/"
        response = HttpResponseRedirect(target)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        response.headers["Cache-Control"] = "no-store"
        return response
