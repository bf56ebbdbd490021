"""``kerjasama check``: the printed flags, the e-mail digests, sending each flag once, and Django's system check."""

import io
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import ngettext

from kerjasama.monitoring import health
from kerjasama.monitoring.models import AlertDelivery
from tests.builders import make_user
from tests.monitoring.health_data import AS_OF, days, in_force

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise OSError("connection refused")


def site_flags(as_of, rules=None) -> list[health.Flag]:
    """The flags as the command words them: in the site's language (Indonesian dates)."""
    with translation.override(settings.LANGUAGE_CODE):
        return health.evaluate(as_of, rules=rules)


def site_text(message: str, plural: str | None = None, count: int = 1) -> str:
    """A message as the command prints it: in the site's language (the Indonesian catalogue)."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.ngettext(message, plural, count) if plural else translation.gettext(message)


def run(*args) -> str:
    out = io.StringIO()
    call_command("check", *args, stdout=out)
    return out.getvalue()


def with_email(user, address: str):
    user.email = address
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def people(db):
    """Who may get e-mail: an admin, the Kukar operator; and who may not."""
    return {
        "admin": with_email(make_user("admin-mail", "admin"), "Admin@Example.test"),
        "kukar": with_email(make_user("op-kukar-mail", "operator_wilayah", "64.02"), "kukar@example.test"),
        "unmul": with_email(make_user("op-unmul-mail", "operator_mitra", "Unmul"), "unmul@example.test"),
        "bpp_no_address": make_user("op-bpp-mail", "operator_wilayah", "64.71"),
        "tkksd": with_email(make_user("tkksd-mail", "tkksd"), "tkksd@example.test"),
        "viewer": with_email(make_user("viewer-mail", "peninjau"), "viewer@example.test"),
    }


@pytest.fixture
def agreements(db):
    kukar = in_force(parties=("Pemprov Kaltim", "Kukar"), end_on=AS_OF + days(20), title="PKS Kukar uji")
    balikpapan = in_force(
        parties=("Pemprov Kaltim", "Kota Balikpapan"), dprd_approval_required=True, title="PKS Balikpapan uji"
    )
    return kukar, balikpapan


def test_prints_every_flag_with_number_title_rule_and_message(agreements):
    kukar, balikpapan = agreements
    output = run("--as-of", AS_OF.isoformat(), "--no-email")
    flags = site_flags(AS_OF)
    assert flags
    lines = output.splitlines()
    for flag in flags:
        agreement = kukar if flag.agreement_id == kukar.pk else balikpapan
        parts = (agreement.display_number[:20], agreement.title, f" {flag.rule} ", flag.message)
        assert any(all(part in line for part in parts) for line in lines), flag
    assert len(lines) == len(flags) + 3  # a header, one line per flag, the total, "no e-mail sent"
    total = site_text("%(count)s flag on %(day)s.", "%(count)s flags on %(day)s.", len(flags))
    assert total % {"count": len(flags), "day": AS_OF.isoformat()} in output
    assert mail.outbox == [] and not AlertDelivery.objects.exists()


def test_rule_option_limits_the_rules(agreements):
    output = run("--as-of", AS_OF.isoformat(), "--no-email", "--rule", "expiring", "--rule", "dprd_missing")
    printed = {rule for rule in health.RULES if f" {rule} " in output}
    assert printed == {"expiring", "dprd_missing"}


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="not a date"):
        run("--as-of", "18-11-2025")


def test_digests_go_to_admins_for_everything_and_to_operators_for_their_own(people, agreements):
    kukar, balikpapan = agreements
    run("--as-of", AS_OF.isoformat())
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"admin@example.test", "kukar@example.test"}  # one e-mail each, lower-cased
    flags = site_flags(AS_OF)
    admin_body = by_address["admin@example.test"].body
    assert kukar.title in admin_body and balikpapan.title in admin_body
    assert all(flag.message in admin_body for flag in flags)
    kukar_body = by_address["kukar@example.test"].body
    assert kukar.title in kukar_body and balikpapan.title not in kukar_body
    kukar_flags = [flag for flag in flags if flag.agreement_id == kukar.pk]
    assert str(len(kukar_flags)) in by_address["kukar@example.test"].subject
    assert f"/kerja-sama/{kukar.pk}/" in kukar_body
    deliveries = set(AlertDelivery.objects.values_list("key", "recipient"))
    expected = {(flag.key, "admin@example.test") for flag in flags}
    expected |= {(flag.key, "kukar@example.test") for flag in kukar_flags}
    assert deliveries == expected


def test_running_twice_sends_each_flag_once(people, agreements):
    run("--as-of", AS_OF.isoformat())
    sent = len(mail.outbox)
    assert sent == 2
    output = run("--as-of", AS_OF.isoformat())
    assert len(mail.outbox) == sent
    none_sent = site_text("%(count)s e-mail sent (%(flags)s flags).", "%(count)s e-mails sent (%(flags)s flags).", 0)
    assert none_sent % {"count": 0, "flags": 0} in output


def test_a_new_situation_is_a_new_flag_and_only_it_is_sent(people, agreements):
    kukar, _balikpapan = agreements
    run("--as-of", AS_OF.isoformat())
    mail.outbox.clear()
    later = AS_OF + days(14)  # six days left: the 7-day reminder replaces the 30-day one
    run("--as-of", later.isoformat(), "--rule", "expiring")
    assert {message.to[0] for message in mail.outbox} == {"admin@example.test", "kukar@example.test"}
    (expiring,) = site_flags(later, rules=["expiring"])
    assert expiring.key.startswith("expiring:7:")
    for message in mail.outbox:
        assert expiring.message in message.body
        assert message.body.count(f"/kerja-sama/{kukar.pk}/") == 1


def test_a_failed_send_is_not_recorded_and_is_retried(people, agreements, settings):
    settings.EMAIL_BACKEND = "tests.monitoring.test_check_command.FailingBackend"
    retried = site_text("Some e-mails could not be sent; they are tried again on the next run.")
    with pytest.raises(CommandError, match=re.escape(retried)):
        run("--as-of", AS_OF.isoformat())
    assert not AlertDelivery.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run("--as-of", AS_OF.isoformat())
    assert len(mail.outbox) == 2


def test_inactive_users_get_nothing(people, agreements):
    people["admin"].is_active = False
    people["admin"].save(update_fields=["is_active"])
    run("--as-of", AS_OF.isoformat())
    assert [message.to for message in mail.outbox] == [["kukar@example.test"]]


def test_django_system_check_still_answers_to_its_options(people, agreements):
    out = io.StringIO()
    # Only the security tag: the deploy-time schema check of drf-spectacular would generate the schema
    # here in English and leave DRF's cached labels behind for tests/core/test_openapi.py.
    call_command("check", "--deploy", "--tag", "security", stdout=out, stderr=io.StringIO())
    call_command("check", databases=["default"], stdout=out)  # as Django's test runner calls it
    call_command("check", "--system", stdout=out)
    assert "System check identified" in out.getvalue()
    assert mail.outbox == [] and not AlertDelivery.objects.exists()
    assert not any(f" {rule} " in out.getvalue() for rule in health.RULES)


def test_a_long_digest_lists_the_first_flags_and_counts_the_rest(people, agreements, monkeypatch):
    from kerjasama.monitoring import alerts

    monkeypatch.setattr(alerts, "MAX_LISTED", 2)
    run("--as-of", AS_OF.isoformat())
    admin = next(message for message in mail.outbox if message.to == ["admin@example.test"])
    total = len(site_flags(AS_OF))
    assert total > 2
    with translation.override(settings.LANGUAGE_CODE):  # digests are written in the site language
        more = ngettext(
            "… and %(count)s more reason: see the page below.",
            "… and %(count)s more reasons: see the page below.",
            total - 2,
        ) % {"count": total - 2}
    assert more in admin.body
    assert admin.body.count("/kerja-sama/") == 2
    assert AlertDelivery.objects.filter(recipient="admin@example.test").count() == total  # all were announced
