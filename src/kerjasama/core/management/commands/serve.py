"""``kerjasama serve``: serve the application with gunicorn (or Django's dev server with --dev)."""

import os
import sys

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kerjasama.agreements.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Serve kerjasama on http://HOST:PORT with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--dev", action="store_true", help="Use Django's auto-reloading development server.")

    def handle(self, *args, **options):
        address = f"{options['host']}:{options['port']}"
        self._print_demo_logins()
        self.stdout.write(self.style.SUCCESS(f"kerjasama: http://{address}/  (Ctrl+C to stop)"))
        self.stdout.flush()
        if options["dev"]:
            call_command("runserver", address)
            return
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        arguments = [
            gunicorn,
            "kerjasama.config.wsgi:application",
            "--bind", address,
            "--workers", str(options["workers"]),
            "--access-logfile", "-",
            "--timeout", "120",
        ]  # fmt: skip
        os.execv(gunicorn, arguments)  # noqa: S606  (replaces this process with the server)

    def _print_demo_logins(self) -> None:
        usernames = [username for username, *_rest in DEMO_USERS]
        existing = set(get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True))
        if not existing:
            return
        self.stdout.write(f"Demo log-ins (synthetic demo data; password for all: {DEMO_PASSWORD}):")
        for username, _role, label in DEMO_USERS:
            if username in existing:
                self.stdout.write(f"  {username:<22} {label}")
