"""Reading a user's role; the single place that maps Django users onto kerjasama roles."""

from dataclasses import dataclass

from kerjasama.users.choices import OPERATOR_ROLES, Role


@dataclass(frozen=True)
class Actor:
    """What the permission rules need to know about a user."""

    role: str | None  # None for anonymous visitors
    pihak_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_operator(self) -> bool:
        return self.role in OPERATOR_ROLES

    @property
    def is_staff_reader(self) -> bool:
        """Signed-in users who may read non-public records."""
        return self.role in {Role.ADMIN, Role.TKKSD, Role.PENINJAU}

    @property
    def is_anonymous(self) -> bool:
        return self.role is None


ANONYMOUS = Actor(role=None)


def actor_for(user) -> Actor:
    """The role of ``user``: superusers are admins; users without a profile are viewers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_kerjasama_actor", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        actor = Actor(role=Role.ADMIN)
    else:
        profile = getattr(user, "profile", None)  # RelatedObjectDoesNotExist is an AttributeError
        if profile is None:
            actor = Actor(role=Role.PENINJAU)
        else:
            actor = Actor(role=profile.role, pihak_id=profile.pihak_id)
            if actor.is_operator and actor.pihak_id is None:
                actor = Actor(role=Role.PENINJAU)
    user._kerjasama_actor = actor
    return actor
