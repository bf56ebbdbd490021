"""WSGI entry point for gunicorn."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kerjasama.config.settings")
application = get_wsgi_application()
# Import every view module now (reports, maps, search: a few seconds) while the worker boots, rather
# than during the first visitor's request.
get_resolver().check()
# What the boot made (modules, URL patterns, translations) lives as long as the worker: frozen out of
# the garbage collector's sight, its full passes during requests walk only what requests create.
gc.freeze()
