"""Agreements, their parties and their lifecycle transitions."""

import datetime as dt
import functools

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.functions import ExtractYear, Upper
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kerjasama.agreements.choices import (
    Category,
    ChangeKind,
    DocumentType,
    FundingSource,
    PartyRole,
    ServiceRole,
    Stage,
    Validity,
)
from kerjasama.core.choices import Source
from kerjasama.core.querysets import TRANSITION, VIEW, RestrictedQuerySet
from kerjasama.regions.models import Pihak, within_code
from kerjasama.users.choices import Role
from kerjasama.users.roles import Actor

__all__ = ("Agreement", "AgreementParty", "AgreementTransition")

PARTY_ROLE_LABELS = dict(PartyRole.choices)


@functools.lru_cache(maxsize=64)
def _role_label(role: str, language: str | None) -> str:
    """The label of a party role in ``language`` (the active one, passed so the cache keys on it)."""
    return str(PARTY_ROLE_LABELS.get(role, role))


def expiring_window() -> int:
    """Days before the end date during which an agreement counts as expiring."""
    return settings.KERJASAMA["EXPIRING_WITHIN_DAYS"]


# Validity on a day, as Q objects over the dates; ``validity_on`` mirrors them in Python.
def _not_yet(day: dt.date) -> Q:
    return Q(signed_on__isnull=True) | Q(start_on__isnull=True) | Q(start_on__gt=day)


def _expired(day: dt.date) -> Q:
    return Q(end_on__lt=day) | Q(terminated_on__lt=day)


def _expiring(day: dt.date, within: int) -> Q:
    limit = day + dt.timedelta(days=within)
    return Q(end_on__lte=limit) | Q(terminated_on__lte=limit)


# The filters below say the same as negating the ones above, but positively: a negated date test
# becomes "NOT (end_on < day AND end_on IS NOT NULL)", which PostgreSQL misestimates badly enough to
# read a fifth of the table for a list of fifty.
def _started(day: dt.date) -> Q:
    return Q(signed_on__isnull=False, start_on__lte=day)


def _running_through(day: dt.date) -> Q:
    """Neither ended nor terminated before ``day``."""
    return (Q(end_on__isnull=True) | Q(end_on__gte=day)) & (Q(terminated_on__isnull=True) | Q(terminated_on__gte=day))


class AgreementQuerySet(RestrictedQuerySet):
    """Agreements with permission, hierarchy and date-derived helpers."""

    def restrict_actor(self, actor: Actor, action: str = VIEW) -> "AgreementQuerySet":
        """Anonymous: public and not archived. Staff: all. Operators: public ones, and change only their own.

        ``transition`` (stage moves) is ``change`` plus the TKKSD on every agreement: it monitors and
        evaluates all cooperation (domain.md 1.11); which moves it may make, ``lifecycle.TRANSITIONS`` says.
        """
        if actor.is_admin:
            return self
        if action == TRANSITION and actor.role == Role.TKKSD:
            return self
        if action == VIEW:
            if actor.is_staff_reader:
                return self
            public = Q(is_public=True, archived_at__isnull=True)
            if actor.is_operator:
                return self.filter(public | Q(Exists(self._party_rows(actor.pihak_id))))
            return self.filter(public)
        if actor.is_operator:
            return self.filter(Exists(self._party_rows(actor.pihak_id)))
        return self.none()

    @staticmethod
    def _party_rows(pihak_id: int):
        return AgreementParty.objects.filter(agreement=OuterRef("pk"), pihak_id=pihak_id)

    def active(self) -> "AgreementQuerySet":
        """Not archived."""
        return self.filter(archived_at__isnull=True)

    def archived(self) -> "AgreementQuerySet":
        return self.filter(archived_at__isnull=False)

    def with_party(self, pihak_id: int) -> "AgreementQuerySet":
        return self.filter(Exists(self._party_rows(pihak_id)))

    def involving_region(self, code: str) -> "AgreementQuerySet":
        """Agreements with a party that is region ``code`` or lies inside it (64 includes 64.02)."""
        rows = AgreementParty.objects.filter(agreement=OuterRef("pk"))
        parties = list(
            Pihak.objects.filter(within_code(code, "region__code")).order_by().values_list("pk", flat=True)[:2]
        )
        if len(parties) == 1:
            # A kabupaten/kota is a single party. Naming it lets PostgreSQL see from its statistics how
            # many agreements it has (Kaltim's own regions have thousands) and plan a hash join.
            return self.filter(Exists(rows.filter(pihak_id=parties[0])))
        # A province and its kabupaten/kota: matching through the party table keeps SQLite at one
        # index probe per agreement, where a list of party ids would cost one probe per listed party.
        return self.filter(Exists(rows.filter(within_code(code, "pihak__region__code"))))

    def with_partner_type(self, partner_type: str) -> "AgreementQuerySet":
        rows = AgreementParty.objects.filter(agreement=OuterRef("pk"), pihak__partner__partner_type=partner_type)
        return self.filter(Exists(rows))

    def with_validity(self, day: dt.date, within: int | None = None) -> "AgreementQuerySet":
        """Annotate ``validity`` (a :class:`Validity` value) as of ``day``."""
        within = expiring_window() if within is None else within
        return self.annotate(
            validity=Case(
                When(_not_yet(day), then=Value(Validity.BELUM_BERLAKU.value)),
                When(_expired(day), then=Value(Validity.KEDALUWARSA.value)),
                When(_expiring(day, within), then=Value(Validity.AKAN_BERAKHIR.value)),
                default=Value(Validity.BERLAKU.value),
                output_field=models.CharField(),
            )
        )

    def validity_on(self, validity: str, day: dt.date, within: int | None = None) -> "AgreementQuerySet":
        """Agreements whose validity on ``day`` is ``validity``."""
        within = expiring_window() if within is None else within
        if validity == Validity.BELUM_BERLAKU:
            return self.filter(_not_yet(day))
        if validity == Validity.KEDALUWARSA:
            return self.filter(_started(day) & _expired(day))
        if validity == Validity.AKAN_BERAKHIR:
            return self.filter(_started(day) & _running_through(day) & _expiring(day, within))
        if validity == Validity.BERLAKU:
            # Not ending within the window: running through its last day, hence not expired either.
            return self.filter(_started(day) & _running_through(day + dt.timedelta(days=within + 1)))
        return self.none()

    def in_force_on(self, day: dt.date) -> "AgreementQuerySet":
        """Signed, started and not ended on ``day`` (berlaku or akan berakhir)."""
        return self.filter(_started(day) & _running_through(day))

    def signed_in_year(self, year: int) -> "AgreementQuerySet":
        return self.filter(signed_on__gte=dt.date(year, 1, 1), signed_on__lte=dt.date(year, 12, 31))

    def with_signed_year(self) -> "AgreementQuerySet":
        return self.annotate(signed_year=ExtractYear("signed_on"))


class Agreement(models.Model):
    """A cooperation agreement (KB, PKS, NK, MoU, LoI or addendum) between two or more parties."""

    title = models.CharField(verbose_name=_("title"), max_length=500)
    document_type = models.CharField(verbose_name=_("document type"), max_length=10, choices=DocumentType.choices)
    category = models.CharField(verbose_name=_("category"), max_length=10, choices=Category.choices)
    subject = models.TextField(verbose_name=_("object of cooperation"), blank=True)
    scope = models.TextField(verbose_name=_("scope"), blank=True)
    urusan = models.ManyToManyField(to="regions.Urusan", related_name="agreements", verbose_name=_("urusan"))
    perangkat_daerah = models.ForeignKey(
        to="regions.PerangkatDaerah",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("owning perangkat daerah"),
    )
    # Indexed by migration 0005 together with the id (and, on PostgreSQL, the columns list filters read).
    signed_on = models.DateField(verbose_name=_("signing date"), null=True, blank=True)
    start_on = models.DateField(verbose_name=_("start date"), null=True, blank=True)
    end_on = models.DateField(verbose_name=_("end date"), null=True, blank=True, db_index=True)
    terminated_on = models.DateField(
        verbose_name=_("terminated on"),
        null=True,
        blank=True,
        help_text=_("Last day in force when the agreement was ended before its end date."),
    )
    funding_source = models.CharField(
        verbose_name=_("funding source"), max_length=20, choices=FundingSource.choices, blank=True
    )
    funding_amount = models.DecimalField(
        verbose_name=_("amount (Rp)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    dprd_approval_required = models.BooleanField(verbose_name=_("DPRD approval needed"), default=False)
    dprd_approval_reference = models.CharField(verbose_name=_("DPRD approval reference"), max_length=200, blank=True)
    stage = models.CharField(verbose_name=_("stage"), max_length=30, choices=Stage.choices, default=Stage.PERSIAPAN)
    parent = models.ForeignKey(
        to="self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent agreement (KB)"),
    )
    amends = models.ForeignKey(
        to="self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amended_by",
        verbose_name=_("changes agreement"),
        help_text=_("The earlier agreement this one extends or amends."),
    )
    change_kind = models.CharField(
        verbose_name=_("kind of change"), max_length=20, choices=ChangeKind.choices, blank=True
    )
    service_types = models.ManyToManyField(
        to="regions.ServiceType", related_name="agreements", blank=True, verbose_name=_("services opened")
    )
    service_areas = models.ManyToManyField(
        to="regions.Region",
        related_name="service_agreements",
        blank=True,
        verbose_name=_("service areas"),
        help_text=_("When given, the services are open only to residents of these kecamatan or desa."),
    )
    is_public = models.BooleanField(verbose_name=_("public"), default=True)
    source = models.CharField(
        verbose_name=_("source of the record"), max_length=20, choices=Source.choices, default=Source.INPUT
    )
    source_note = models.CharField(verbose_name=_("source note"), max_length=300, blank=True)
    archived_at = models.DateTimeField(verbose_name=_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ("-signed_on", "-id")
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [
            # Lists and statistics read not-archived agreements by signing date, newest first; with the id
            # and the public flag in the index, counting and paging them never reads the table itself.
            models.Index(fields=["archived_at", "signed_on", "id", "is_public"], name="agreements_active_signed_idx"),
            # Plain indexes: a field's own db_index would add a second, LIKE-pattern index on
            # PostgreSQL that no query uses and every insert pays for. The flag and the archive time
            # have none of their own: the index above leads with the one and covers the other.
            models.Index(fields=["document_type"], name="agreements_document_type_idx"),
            models.Index(fields=["category"], name="agreements_category_idx"),
            models.Index(fields=["stage"], name="agreements_stage_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def can_add(actor: Actor) -> bool:
        """Admins and operators may register agreements (operators only with their own party)."""
        return actor.is_admin or actor.is_operator

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def effective_end(self) -> dt.date | None:
        """The last day in force: the end date, or the termination date when earlier."""
        ends = [day for day in (self.end_on, self.terminated_on) if day is not None]
        return min(ends) if ends else None

    def validity_on(self, day: dt.date, within: int | None = None) -> str:
        """Validity on ``day``; the same rule as :meth:`AgreementQuerySet.with_validity`."""
        within = expiring_window() if within is None else within
        if self.signed_on is None or self.start_on is None or self.start_on > day:
            return Validity.BELUM_BERLAKU
        end = self.effective_end
        if end is not None and end < day:
            return Validity.KEDALUWARSA
        if end is not None and end <= day + dt.timedelta(days=within):
            return Validity.AKAN_BERAKHIR
        return Validity.BERLAKU

    def days_left(self, day: dt.date) -> int | None:
        end = self.effective_end
        return (end - day).days if end is not None else None

    def numbers(self) -> list[str]:
        """The agreement's numbers, one per party that numbered it, in party order."""
        return [party.number for party in self.parties.all() if party.number]

    @property
    def display_number(self) -> str:
        return " / ".join(self.numbers())


class AgreementParty(models.Model):
    """A party to an agreement, with its role, its own number for the document and its signatory."""

    # No index of their own: the unique (agreement, pihak) and the (pihak, agreement) indexes lead with them.
    agreement = models.ForeignKey(
        to="agreements.Agreement",
        on_delete=models.CASCADE,
        related_name="parties",
        verbose_name=_("agreement"),
        db_index=False,
    )
    pihak = models.ForeignKey(
        to="regions.Pihak",
        on_delete=models.PROTECT,
        related_name="agreement_parties",
        verbose_name=_("party"),
        db_index=False,
    )
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=1)
    role = models.CharField(verbose_name=_("role"), max_length=20, choices=PartyRole.choices, default=PartyRole.MITRA)
    number = models.CharField(verbose_name=_("number"), max_length=150, blank=True)
    signatory_name = models.CharField(verbose_name=_("signatory"), max_length=150, blank=True)
    signatory_title = models.CharField(verbose_name=_("signatory's position"), max_length=200, blank=True)
    service_role = models.CharField(
        verbose_name=_("service role"), max_length=20, choices=ServiceRole.choices, default=ServiceRole.TIMBAL_BALIK
    )

    class Meta:
        ordering = ("agreement", "order")
        verbose_name = _("agreement party")
        verbose_name_plural = _("agreement parties")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "pihak"], name="agreements_party_unique_pihak"),
            models.UniqueConstraint(Upper("number"), condition=~Q(number=""), name="agreements_party_unique_number"),
        ]
        indexes = [models.Index(fields=["pihak", "agreement"], name="agreements_party_pihak_idx")]

    def __str__(self) -> str:
        # Same text as get_role_display(), which rebuilds the choices dict and translates on every
        # call; the change log names every party of an import (tens of thousands) by this string.
        return f"{self.pihak} ({_role_label(self.role, translation.get_language())})"


class AgreementTransitionQuerySet(RestrictedQuerySet):
    """Stage changes, visible to whoever may see their agreement."""

    def restrict_actor(self, actor: Actor, action: str = VIEW) -> "AgreementTransitionQuerySet":
        if actor.is_admin:
            return self
        return self.filter(agreement__in=Agreement.objects.restrict_actor(actor, action).values("pk"))


class AgreementTransition(models.Model):
    """A move of an agreement from one lifecycle stage to another: who, when and why."""

    agreement = models.ForeignKey(
        to="agreements.Agreement",
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("agreement"),
    )
    from_stage = models.CharField(verbose_name=_("from"), max_length=30, choices=Stage.choices, blank=True)
    to_stage = models.CharField(verbose_name=_("to"), max_length=30, choices=Stage.choices)
    user = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    user_name = models.CharField(verbose_name=_("user name"), max_length=150, blank=True)
    at = models.DateTimeField(verbose_name=_("time"), db_index=True)
    note = models.TextField(verbose_name=_("note"), blank=True)

    objects = AgreementTransitionQuerySet.as_manager()

    class Meta:
        ordering = ("agreement", "at", "id")
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.get_from_stage_display() or '-'} → {self.get_to_stage_display()}"
