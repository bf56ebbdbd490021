"""Template context shared by every page."""

from django.conf import settings

from kerjasama.users.roles import actor_for


def site(request) -> dict:
    """The acting role, for showing or hiding navigation (rows are still filtered in querysets)."""
    return {
        "actor": actor_for(getattr(request, "user", None)),
        "DEBUG": settings.DEBUG,
    }
