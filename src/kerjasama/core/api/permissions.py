"""DRF permission that defers row rules to the restricted querysets."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from kerjasama.core.querysets import can_add


class RestrictedPermission(BasePermission):
    """Reads are open (the queryset hides what a user may not see); writes need a signed-in user.

    Whether a particular row may be changed is decided by ``queryset.restrict(user, action)`` in
    the viewset, so a forbidden row answers 404 exactly as an invisible one does.
    """

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method == "POST" and getattr(view, "action", None) == "create":
            model = view.get_queryset().model
            return can_add(model, request.user)
        return True
