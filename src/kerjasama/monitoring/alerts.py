"""E-mail digests of health flags: who hears about which flag, and sending each flag once per recipient.

Recipients (decision):

- every **province admin** (role ``admin`` or a superuser) gets every flag: Biro POD keeps the register;
- an **operator** (``operator_wilayah`` / ``operator_mitra``) gets the flags of the agreements its
  party is a party to;
- the TKKSD and viewers get no e-mail: they read the "Perlu perhatian" page and the calendar feed.

Only active users with an e-mail address count; two accounts with the same address get one e-mail.
A flag is sent to an address once: ``AlertDelivery(key, recipient)`` is unique and is written after
the e-mail went out, so a failed send is retried by the next run and a repeated run sends nothing new.
Each recipient gets ONE e-mail (a digest) listing all its new flags.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.monitoring.health import Flag
from kerjasama.monitoring.models import AlertDelivery
from kerjasama.users.choices import OPERATOR_ROLES, Role

__all__ = ("AgreementInfo", "Digest", "DigestResult", "agreement_infos", "digests", "recipients", "send_digests")

# Rows per IN (...) list: well under SQLite's limit on query parameters.
CHUNK = 500
# Flags listed in one e-mail; the rest are counted and left to the "Perlu perhatian" page.
MAX_LISTED = 300


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    """``items`` in slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class AgreementInfo:
    """What a flag list shows of its agreement."""

    pk: int
    number: str
    title: str
    path: str

    @property
    def url(self) -> str:
        """Absolute when ``settings.KERJASAMA["SITE_URL"]`` is set, else the path."""
        return f"{settings.KERJASAMA.get('SITE_URL', '')}{self.path}"


def agreement_infos(ids: Iterable[int]) -> dict[int, AgreementInfo]:
    """Number, title and page of the agreements ``ids``, in one query per 500."""
    ids = sorted(set(ids))
    infos: dict[int, AgreementInfo] = {}
    parties = Prefetch("parties", queryset=AgreementParty.objects.order_by("order", "pk"))
    for part in chunks(ids):
        for agreement in Agreement.objects.filter(pk__in=part).prefetch_related(parties).only("pk", "title"):
            infos[agreement.pk] = AgreementInfo(
                pk=agreement.pk,
                number=agreement.display_number,
                title=agreement.title,
                path=reverse("kerjasama-detail", args=[agreement.pk]),
            )
    return infos


@dataclass
class Digest:
    """One e-mail: a recipient and the flags it has not been sent yet."""

    email: str
    user_ids: list[int]
    name: str
    flags: list[Flag] = field(default_factory=list)


@dataclass
class DigestResult:
    """What a run sent: e-mails, flags per address and the addresses that failed."""

    sent: int = 0
    flags_sent: int = 0
    failed: list[str] = field(default_factory=list)
    already_sent: int = 0


@dataclass
class Addresses:
    """Who may receive digests: users by address, the admins' addresses, operators' by party."""

    users: dict[str, tuple[list[int], str]] = field(default_factory=dict)  # address: (user ids, name)
    admins: set[str] = field(default_factory=set)
    operators: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))


def recipients() -> Addresses:
    """Active admins and operators with an e-mail address (addresses compared in lower case)."""
    rows = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(is_superuser=True) | Q(profile__role=Role.ADMIN) | Q(profile__role__in=OPERATOR_ROLES))
        .values_list("pk", "email", "username", "is_superuser", "profile__role", "profile__pihak_id")
        .order_by("pk")
    )
    found = Addresses()
    for pk, email, username, is_superuser, role, pihak_id in rows:
        address = email.strip().lower()
        ids, _name = found.users.setdefault(address, ([], username))
        ids.append(pk)
        if is_superuser or role == Role.ADMIN:
            found.admins.add(address)
        elif role in OPERATOR_ROLES and pihak_id is not None:
            found.operators[pihak_id].add(address)
    return found


def digests(flags: Sequence[Flag]) -> list[Digest]:
    """Every recipient's digest of ``flags`` (before leaving out what was sent already)."""
    found = recipients()
    flagged = {flag.agreement_id for flag in flags}
    parties: dict[int, set[int]] = defaultdict(set)
    if found.operators:
        # Few parties have operators: their agreements are fewer rows than the flagged ones may be.
        rows = AgreementParty.objects.filter(pihak_id__in=list(found.operators)).values_list("agreement_id", "pihak_id")
        for agreement_id, pihak_id in rows:
            if agreement_id in flagged:
                parties[agreement_id].add(pihak_id)
    result: dict[str, Digest] = {}
    for flag in flags:
        addresses = set(found.admins)
        for pihak_id in parties.get(flag.agreement_id, ()):
            addresses |= found.operators[pihak_id]
        for address in addresses:
            ids, name = found.users[address]
            result.setdefault(address, Digest(address, ids, name)).flags.append(flag)
    return [result[address] for address in sorted(result)]


def _already_sent(digest_list: list[Digest]) -> set[tuple[str, str]]:
    """``(key, address)`` pairs among ``digest_list`` that an earlier run sent."""
    addresses = [digest.email for digest in digest_list]
    keys = sorted({flag.key for digest in digest_list for flag in digest.flags})
    sent: set[tuple[str, str]] = set()
    for key_part in chunks(keys):
        for address_part in chunks(addresses):
            rows = AlertDelivery.objects.filter(key__in=key_part, recipient__in=address_part)
            sent.update(rows.values_list("key", "recipient"))
    return sent


def render_digest(digest: Digest, as_of: dt.date, infos: dict[int, AgreementInfo]) -> EmailMessage:
    """The e-mail of one digest, in the active language (plain text)."""
    count = len(digest.flags)
    day = formats.date_format(as_of, "j F Y")
    subject = ngettext(
        "[kerjasama] %(count)s agreement flag needs attention (%(day)s)",
        "[kerjasama] %(count)s agreement flags need attention (%(day)s)",
        count,
    ) % {"count": count, "day": day}
    body = render_to_string(
        "monitoring/email/health_digest.txt",
        {
            "digest": digest,
            "day": day,
            "rows": [(flag, infos.get(flag.agreement_id)) for flag in digest.flags[:MAX_LISTED]],
            "count": count,
            "more": max(0, count - MAX_LISTED),
            "attention_url": f"{settings.KERJASAMA.get('SITE_URL', '')}{reverse('monitoring-attention')}",
        },
    )
    return EmailMessage(subject=subject, body=body, to=[digest.email])


def send_digests(flags: Sequence[Flag], as_of: dt.date, connection=None) -> DigestResult:
    """Send every recipient one e-mail with its flags not sent before; record what was sent.

    Idempotent: a flag reaches an address once (``AlertDelivery``); running twice sends nothing new.
    """
    result = DigestResult()
    pending = digests(flags)
    sent_before = _already_sent(pending)
    infos = agreement_infos(flag.agreement_id for flag in flags)
    connection = connection or get_connection()
    for digest in pending:
        new = []
        seen: set[str] = set()
        for flag in digest.flags:
            if (flag.key, digest.email) in sent_before or flag.key in seen:
                result.already_sent += (flag.key, digest.email) in sent_before
                continue
            seen.add(flag.key)
            new.append(flag)
        if not new:
            continue
        digest.flags = new
        message = render_digest(digest, as_of, infos)
        message.connection = connection
        try:
            message.send()
        except Exception:  # an address that fails must not stop the others; it is retried next run
            result.failed.append(digest.email)
            continue
        with transaction.atomic():
            AlertDelivery.objects.bulk_create(
                [
                    AlertDelivery(
                        key=flag.key,
                        recipient=digest.email,
                        user_id=digest.user_ids[0],
                        rule=flag.rule,
                        agreement_id=flag.agreement_id,
                    )
                    for flag in new
                ],
                ignore_conflicts=True,
            )
        result.sent += 1
        result.flags_sent += len(new)
    return result


def describe(result: DigestResult) -> str:
    """A one-line summary of a run for the command's output."""
    text = ngettext(
        "%(count)s e-mail sent (%(flags)s flags).", "%(count)s e-mails sent (%(flags)s flags).", result.sent
    ) % {"count": result.sent, "flags": result.flags_sent}
    if result.already_sent:
        text += " " + _("%(count)s already sent earlier, not repeated.") % {"count": result.already_sent}
    if result.failed:
        text += " " + _("Failed: %(addresses)s.") % {"addresses": ", ".join(result.failed)}
    return text
