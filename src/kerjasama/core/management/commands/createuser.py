"""``kerjasama createuser``: create a user with a kerjasama role."""

import getpass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kerjasama.regions.resolver import PihakResolver, ResolveError
from kerjasama.users.choices import OPERATOR_ROLES, Role
from kerjasama.users.models import Profile


class Command(BaseCommand):
    help = "Create a user with a role; operators name their region or partner with --pihak."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values, default=Role.PENINJAU)
        parser.add_argument("--pihak", help="Region or partner of an operator, e.g. 'Kukar', '64.71' or 'Unmul'.")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Password; asked for when omitted.")

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"User '{options['username']}' already exists.")
        pihak_id = None
        if options["role"] in OPERATOR_ROLES:
            if not options["pihak"]:
                raise CommandError("An operator needs --pihak (the region or partner it acts for).")
            try:
                pihak_id = PihakResolver().resolve(options["pihak"])
            except ResolveError as exc:
                raise CommandError(str(exc)) from exc
        password = options["password"] or getpass.getpass("Password: ")
        if not password:
            raise CommandError("A password is required.")
        with transaction.atomic():
            # The province admin may do everything, Django admin for reference data included.
            user = User.objects.create_user(
                options["username"],
                email=options["email"],
                password=password,
                is_staff=options["role"] == Role.ADMIN,
                is_superuser=options["role"] == Role.ADMIN,
            )
            profile = Profile(user=user, role=options["role"], pihak_id=pihak_id)
            try:
                profile.full_clean()
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            profile.save()
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({profile.get_role_display()})."))
