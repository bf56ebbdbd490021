"""Querysets that know who may see and change their rows (NetBox's ``restrict`` pattern)."""

from django.db import models

from kerjasama.users.roles import Actor, actor_for

VIEW = "view"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
# Moving an agreement between lifecycle stages. Not the same as CHANGE: the TKKSD may start and end
# an evaluation (lifecycle.TRANSITIONS) without being allowed to edit the agreement itself.
TRANSITION = "transition"


class RestrictedQuerySet(models.QuerySet):
    """Base queryset: ``restrict(user, action)`` returns the rows ``user`` may ``action``.

    Every view, viewset and export starts from ``restrict``; permissions never live in templates.
    The default policy suits reference data: everyone reads, only the province admin writes.
    """

    def restrict(self, user, action: str = VIEW) -> "RestrictedQuerySet":
        """Rows of this queryset that ``user`` may ``action`` (view, add, change, delete, transition)."""
        return self.restrict_actor(actor_for(user), action)

    def restrict_actor(self, actor: Actor, action: str = VIEW) -> "RestrictedQuerySet":
        """Same as :meth:`restrict`, for an already resolved :class:`Actor`."""
        if action == VIEW or actor.is_admin:
            return self
        return self.none()


def can_add(model: type[models.Model], user) -> bool:
    """Whether ``user`` may create ``model`` rows at all (row rules apply on save)."""
    policy = getattr(model, "can_add", None)
    if policy is not None:
        return policy(actor_for(user))
    return actor_for(user).is_admin
