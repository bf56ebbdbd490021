"""``kerjasama check``: the health flags of the agreements on a day, printed and e-mailed as digests.

    kerjasama check [--as-of 2025-11-18] [--rule expiring --rule dormant] [--no-email]

Prints every flag (agreement number, title, rule, message) and sends each responsible person one
e-mail with the flags not sent to it before (``monitoring/alerts.py``). Run it daily from cron or a
systemd timer (docs/operations.md).

This command takes the name of Django's system check; that one still runs when any of its options is
given (``--deploy``, ``--tag``, ``--list-tags``, ``--fail-level``, ``--database``, app labels) or
with ``--system``, so ``kerjasama check --deploy`` works as before.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.check import Command as SystemCheckCommand
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kerjasama.monitoring import alerts, health


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("--as-of: %(value)s is not a date (YYYY-MM-DD).") % {"value": value}) from exc


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class Command(SystemCheckCommand):
    help = (
        "Print the agreements' health flags on a day and e-mail new ones to the responsible operators and "
        "admins. With --deploy, --tag, --list-tags, --fail-level, --database, app labels or --system: "
        "Django's system checks."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # No default: an explicit --fail-level is what tells a system check apart from a health check.
        for action in parser._actions:
            if action.dest == "fail_level":
                action.default = None
                action.help = "Message level that makes a system check exit non-zero (default ERROR)."
        parser.add_argument("--as-of", type=_date, help="Evaluate on this day (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--rule",
            action="append",
            choices=list(health.RULES),
            help="Only this rule (repeatable): " + ", ".join(health.RULES) + ".",
        )
        parser.add_argument("--no-email", action="store_true", help="Print only; send no e-mail.")
        parser.add_argument("--system", action="store_true", help="Run Django's system checks instead.")

    def handle(self, *app_labels, **options):
        system = (
            options["system"]
            or options["deploy"]
            or options["tags"]
            or options["list_tags"]
            or options["fail_level"] is not None
            or options["databases"] is not None
            or app_labels
        )
        if system:
            options["fail_level"] = options["fail_level"] or "ERROR"
            return super().handle(*app_labels, **options)
        # Output and e-mails in the site's language (Indonesian), whatever the shell's locale.
        with translation.override(settings.LANGUAGE_CODE):
            self.run_health(options)
        return None

    def run_health(self, options) -> None:
        # Today by default, even on a demo-only register (unlike the page): this command serves real operations.
        as_of = options["as_of"] or timezone.localdate()
        flags = health.evaluate(as_of, rules=options["rule"])
        self.flags = flags  # what was printed, for callers that pass a Command instance to call_command
        infos = alerts.agreement_infos(flag.agreement_id for flag in flags)
        self.print_table(flags, infos)
        self.stdout.write(
            ngettext("%(count)s flag on %(day)s.", "%(count)s flags on %(day)s.", len(flags))
            % {"count": len(flags), "day": as_of.isoformat()}
        )
        self.print_demo_notice(as_of)
        if options["no_email"]:
            self.stdout.write(_("No e-mail sent (--no-email)."))
            return
        result = alerts.send_digests(flags, as_of)
        self.stdout.write(alerts.describe(result))
        if result.failed:
            raise CommandError(_("Some e-mails could not be sent; they are tried again on the next run."))

    def print_demo_notice(self, as_of: dt.date) -> None:
        """On a register holding only synthetic demo data, the page's notice and how to judge the demo's day."""
        default = health.default_as_of()
        if not default.demo:
            return
        if as_of == default.day:
            notice = health.demo_notice(default.day)
        else:
            notice = _(
                "Synthetic demo data describe the register as of %(day)s, the reference date of the “Needs "
                "attention” page; this check judged %(as_of)s. Run it with --as-of %(iso)s to list the page's flags."
            ) % {
                "day": formats.date_format(default.day, "j F Y"),
                "as_of": as_of.isoformat(),
                "iso": default.day.isoformat(),
            }
        self.stdout.write(self.style.WARNING(notice))

    def print_table(self, flags: list[health.Flag], infos: dict[int, alerts.AgreementInfo]) -> None:
        """Number, title, rule and message, one flag a line, columns padded to their widest cell."""
        header = (_("Number"), _("Title"), _("Rule"), _("Message"))
        rows = []
        for flag in flags:
            info = infos.get(flag.agreement_id)
            number = (info.number if info else "") or f"#{flag.agreement_id}"
            title = info.title if info else ""
            rows.append((_cut(number, 40), _cut(title, 60), flag.rule, flag.message))
        if not rows:
            return
        widths = [max(len(str(row[column])) for row in [header, *rows]) for column in range(3)]
        for row in [header, *rows]:
            cells = [str(cell).ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
            self.stdout.write("  ".join([*cells, str(row[3])]).rstrip())
