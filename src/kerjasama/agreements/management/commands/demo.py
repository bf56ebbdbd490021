"""``kerjasama demo [--seed N] [--if-empty] [--force]``: build the synthetic demo register and its log-ins."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from kerjasama.agreements.demo import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_USERS,
    DemoError,
    DemoSummary,
    build_demo,
    create_demo_users,
    real_agreement_count,
)
from kerjasama.agreements.models import Agreement
from kerjasama.core.context import change_context
from kerjasama.core.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Build the synthetic demo data set (the register as of 18 Nov 2025, every record marked contoh_sintetis) "
        "and the demo log-ins. Earlier demo agreements are replaced; real agreements are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed (same seed, same data).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any agreement is registered (used by make run)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the demo data even though real (non-demo) agreements are registered.",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        with change_context(origin="cli"), transaction.atomic():
            if options["if_empty"] and Agreement.objects.exists():
                self.stdout.write(_("Agreements are already registered: demo data not built."))
                return
            real = real_agreement_count()
            if real and not options["force"]:
                raise CommandError(
                    _(
                        "The register holds %(count)s agreement(s) that are not demo data. Demo data would mix "
                        "synthetic records into a real register; run with --force to add it anyway."
                    )
                    % {"count": real}
                )
            # Published demo passwords must not open a real register, even when --force adds demo data to it.
            users = [] if real else create_demo_users()
            try:
                summary = build_demo(
                    options["seed"], progress=progress_bar(_("Demo agreements"), enabled=options["verbosity"] > 0)
                )
                # Monitoring depends on agreements, not the reverse: the command, where both meet, builds both.
                from kerjasama.monitoring.demo import build_demo_monitoring

                monitoring = build_demo_monitoring(options["seed"])
                from kerjasama.access.demo import build_demo_points  # service points, approximate, synthetic

                access = build_demo_points()
            except DemoError as exc:
                raise CommandError(str(exc)) from exc
            except ProtectedError as exc:
                raise CommandError(
                    _("Real agreements refer to earlier demo agreements; nothing was changed (%(error)s).")
                    % {"error": exc}
                ) from exc
        self.report(summary, time.monotonic() - started, users, with_logins=not real, monitoring=monitoring)
        self.stdout.write(access.describe())

    def report(
        self, summary: DemoSummary, seconds: float, users: list[str], with_logins: bool, monitoring=None
    ) -> None:
        """Print what was built and how to log in."""
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                _(
                    "Demo data built in %(seconds).1f s (seed %(seed)s): %(count)s synthetic agreements, "
                    "the register as of %(day)s."
                )
                % {
                    "seconds": seconds,
                    "seed": summary.seed,
                    "count": summary.agreements,
                    "day": summary.reference_date.isoformat(),
                }
            )
        )
        years = ", ".join(f"{year}: {count}" for year, count in sorted(summary.signed_by_year.items()))
        write("  " + _("Signed per year: %(years)s") % {"years": years})
        write(
            "  "
            + _("Not signed: %(preparing)s in preparation, %(rejected)s rejected")
            % {"preparing": summary.in_preparation, "rejected": summary.rejected}
        )
        write(
            "  "
            + _(
                "On %(day)s: %(in_force)s in force (%(expiring)s expiring within 90 days), %(expired)s expired "
                "(%(running)s of them still marked as in implementation)"
            )
            % {
                "day": summary.reference_date.isoformat(),
                "in_force": summary.in_force,
                "expiring": summary.expiring,
                "expired": summary.expired,
                "running": summary.expired_still_running,
            }
        )
        write(
            "  "
            + _("On %(day)s: %(expiring)s expiring within 90 days")
            % {"day": summary.later_date.isoformat(), "expiring": summary.expiring_later}
        )
        write(
            "  "
            + _(
                "%(kb)s KB with %(children)s implementing agreements, %(extensions)s extensions (%(extended)s "
                "agreements marked extended), %(addenda)s addenda"
            )
            % {
                "kb": summary.kb_with_children,
                "children": summary.children,
                "extensions": summary.extensions,
                "extended": summary.extended,
                "addenda": summary.addenda,
            }
        )
        write(
            "  "
            + _(
                "%(never)s signed but never implemented, %(terminated)s terminated, %(private)s not public, "
                "%(dprd)s needing DPRD approval"
            )
            % {
                "never": summary.never_implemented,
                "terminated": summary.terminated,
                "private": summary.not_public,
                "dprd": summary.dprd_required,
            }
        )
        write(
            "  "
            + _(
                "%(parties)s party rows, %(transitions)s stage changes; new synthetic partners: %(partners)s, "
                "new perangkat daerah: %(offices)s; earlier demo agreements replaced: %(replaced)s"
            )
            % {
                "parties": summary.parties,
                "transitions": summary.transitions,
                "partners": summary.partners_created,
                "offices": summary.perangkat_daerah_created,
                "replaced": summary.replaced,
            }
        )
        if monitoring is not None:
            self.report_monitoring(monitoring)
        if not with_logins:
            write(
                self.style.WARNING(
                    _("Real agreements are registered: the demo log-ins (published password) were not created.")
                )
            )
            usernames = [username for username, _role, _label in DEMO_USERS]
            left = get_user_model().objects.filter(username__in=usernames).order_by("username")
            if left.exists():
                write(
                    self.style.WARNING(
                        _("Demo log-ins with the published password still exist; remove or change them: %(users)s")
                        % {"users": ", ".join(left.values_list("username", flat=True))}
                    )
                )
            return
        if users:
            write(_("Demo log-ins created: %(users)s") % {"users": ", ".join(users)})
        write(_("Demo log-ins (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        for username, _role, label in DEMO_USERS:
            write(f"  {username:<22} {label}")

    def report_monitoring(self, monitoring) -> None:
        """Print the synthetic monitoring and the health of the demo agreements on the reference date."""
        from kerjasama.monitoring.health import RULES

        write = self.stdout.write
        write(
            "  "
            + _(
                "Monitoring: %(plans)s agreements with a work plan (%(activities)s activities), %(schedules)s "
                "reporting schedules (%(periods)s expected reports, %(reports)s submitted), %(indicators)s "
                "indicators with %(values)s values, %(evaluations)s evaluations, %(actions)s follow-up actions"
            )
            % {
                "plans": monitoring.agreements_with_plan,
                "activities": monitoring.activities,
                "schedules": monitoring.schedules,
                "periods": monitoring.periods,
                "reports": monitoring.reports,
                "indicators": monitoring.indicators,
                "values": monitoring.values,
                "evaluations": monitoring.evaluations,
                "actions": monitoring.actions,
            }
        )
        write(
            "  "
            + _(
                "Problems: %(problems)s synthetic; %(links)s links from demo agreements to real boundary "
                "problems; %(dprd)s agreements found to need DPRD approval"
            )
            % {
                "problems": monitoring.problems,
                "links": monitoring.real_problem_links,
                "dprd": monitoring.dprd_missing_added,
            }
        )
        reasons = ", ".join(
            f"{RULES[code].label}: {count}" for code, count in monitoring.flags.items() if code in RULES
        )
        write(
            "  "
            + _("Needs attention on %(day)s: %(agreements)s agreements (%(reasons)s); %(healthy)s healthy")
            % {
                "day": monitoring.reference_date.isoformat(),
                "agreements": monitoring.flagged_agreements,
                "reasons": reasons,
                "healthy": monitoring.healthy,
            }
        )
