"""DRF permission that defers row rules to the restricted querysets.

The outcomes, the same for every endpoint (tests/users/test_permissions.py walks them):

- a method the endpoint does not offer: 405 for everyone, signed in or not;
- a write without a signed-in user: 401;
- creating a row the role may never create (``Model.can_add``): 403;
- a row the user may not see: 404, exactly as a row that does not exist;
- a row the user may see but not change, delete or move (``restrict(user, action)``): 403.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from kerjasama.core.querysets import CHANGE, DELETE, VIEW, can_add

ACTION_FOR_METHOD = {
    "GET": VIEW,
    "HEAD": VIEW,
    "OPTIONS": VIEW,
    "POST": CHANGE,
    "PUT": CHANGE,
    "PATCH": CHANGE,
    "DELETE": DELETE,
}


def _offers(view, method: str) -> bool:
    """Whether ``view`` answers ``method`` at all (viewsets bind only the methods of their route)."""
    name = method.lower()
    return name in view.http_method_names and getattr(view, name, None) is not None


def row_action(view, method: str) -> str:
    """The ``restrict`` action a request needs on its row: the view's own mapping, else by HTTP method."""
    actions = getattr(view, "row_actions", {})
    return actions.get(getattr(view, "action", None)) or ACTION_FOR_METHOD.get(method, VIEW)


class RestrictedPermission(BasePermission):
    """Reads are open (the queryset hides what a user may not see); writes need a signed-in user.

    Viewsets look rows up among those the user may *see*; :meth:`has_object_permission` then asks
    ``restrict(user, action)`` whether the user may act on that row. So an invisible row answers 404
    and a visible but forbidden one 403, and the rule itself lives only in the querysets.
    """

    def has_permission(self, request, view) -> bool:
        if not _offers(view, request.method):
            return True  # DRF answers 405 after this check; refusing here would turn it into 401/403
        if request.method in SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(view, "action", None) == "create":
            return can_add(view.get_queryset().model, request.user)
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        action = row_action(view, request.method)
        if action == VIEW:
            return True  # the row was found among the visible ones
        model = type(obj)
        return model._default_manager.all().restrict(request.user, action).filter(pk=obj.pk).exists()
