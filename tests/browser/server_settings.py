"""Settings of the server the browser tests start: the project's settings, static files without compression.

``CompressedManifestStaticFilesStorage`` gzips and brotlis every collected file, which takes over a minute on a
two-core machine. Django's ``ManifestStaticFilesStorage`` keeps what the browser sees the same (hashed file
names, a strict manifest, served by WhiteNoise with DEBUG off) and collects in about two seconds.
"""

from kerjasama.config.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
