"""Middleware that gives every request an id and makes it the change-log context."""

import uuid

from kerjasama.core.context import bind_request, unbind


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
