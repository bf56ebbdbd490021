"""The actor of the current change: user and request id, for the change log.

The web middleware sets it per request; the CLI and tests use :func:`change_context`.
A ContextVar keeps concurrent requests apart in threaded servers.
"""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ChangeContext:
    """Who is changing data, and under which request id."""

    explicit_user: Any = None
    request: Any = None
    request_id: uuid.UUID = field(default_factory=uuid.uuid4)
    origin: str = "web"

    @property
    def user(self):
        """The acting user; for web requests read late, after DRF token authentication."""
        if self.request is not None:
            user = getattr(self.request, "user", None)
            return user if user is not None and user.is_authenticated else None
        return self.explicit_user


_current: ContextVar[ChangeContext | None] = ContextVar("kerjasama_change_context", default=None)


def current() -> ChangeContext:
    """Return the active change context, or an anonymous system one."""
    return _current.get() or ChangeContext(origin="system")


@contextmanager
def change_context(user: Any = None, origin: str = "cli", request_id: uuid.UUID | None = None):
    """Run a block with the given actor, e.g. a CLI import by a named user."""
    token = _current.set(ChangeContext(explicit_user=user, request_id=request_id or uuid.uuid4(), origin=origin))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def bind_request(request) -> Any:
    """Make ``request`` the change context; returns the token for :func:`unbind`."""
    return _current.set(ChangeContext(request=request, request_id=request.id, origin="web"))


def unbind(token: Any) -> None:
    """Restore the context that was active before :func:`bind_request`."""
    _current.reset(token)
