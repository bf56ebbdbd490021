"""API error responses in the reader's language."""

from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, but a missing row answers DRF's translated "Not found." instead of Django's English
    "No Agreement matches the given query." (which also names the model of a row the user may not see)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
