"""The agreement lifecycle (domain.md 1.5) in one place: stages, allowed moves, who and what each needs.

The exact article text of Permendagri 22/2020 is still to be verified (domain.md 6), so the
rules are data in this module, not spread through views: changing a rule means editing
``TRANSITIONS`` and its tests, nothing else.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kerjasama.agreements.choices import Stage
from kerjasama.agreements.models import Agreement, AgreementTransition
from kerjasama.core import changelog
from kerjasama.core.choices import ChangeAction
from kerjasama.core.context import current
from kerjasama.core.querysets import TRANSITION
from kerjasama.monitoring.schedules import refresh_periods
from kerjasama.search.index import index_agreements
from kerjasama.users.choices import Role
from kerjasama.users.roles import Actor, actor_for

S = Stage
NOT_YET_SIGNED = (
    S.PERSIAPAN,
    S.PENAWARAN,
    S.KESEPAKATAN_BERSAMA,
    S.PERSETUJUAN_DPRD,
    S.PERJANJIAN_KERJA_SAMA,
    S.PENANDATANGANAN,
)
SIGNED = (S.PELAKSANAAN, S.EVALUASI, S.SELESAI, S.DIPERPANJANG, S.DIAKHIRI)
FINAL = (S.SELESAI, S.DIPERPANJANG, S.DIAKHIRI, S.DITOLAK)

# A requirement looks at the agreement and returns a reason it is not met, or None.
Requirement = Callable[[Agreement], str | None]


def _signed(agreement: Agreement) -> str | None:
    if agreement.signed_on is None:
        return _("Record the signing date first.")
    if agreement.start_on is None:
        return _("Record the start date first.")
    return None


def _dprd_settled(agreement: Agreement) -> str | None:
    if agreement.dprd_approval_required and not agreement.dprd_approval_reference:
        return _("DPRD approval is needed: record its reference first.")
    return None


def _dprd_needed(agreement: Agreement) -> str | None:
    if not agreement.dprd_approval_required:
        return _("This agreement is not marked as needing DPRD approval.")
    return None


def _has_successor(agreement: Agreement) -> str | None:
    if not agreement.amended_by.exists():
        return _("Register the extending agreement and link it to this one first.")
    return None


@dataclass(frozen=True)
class Transition:
    """One allowed move between stages."""

    source: str
    target: str
    label: object  # lazy translation: the button text
    roles: frozenset = frozenset({Role.ADMIN, Role.OPERATOR_WILAYAH, Role.OPERATOR_MITRA})
    requires: tuple[Requirement, ...] = ()
    note_required: bool = False


ADMIN_ONLY = frozenset({Role.ADMIN})
WITH_TKKSD = frozenset({Role.ADMIN, Role.OPERATOR_WILAYAH, Role.OPERATOR_MITRA, Role.TKKSD})

# Labels are lazy: rendered later, in the reader's language.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.PERSIAPAN, S.PENAWARAN, gettext_lazy("Send the offer")),
    Transition(S.PERSIAPAN, S.KESEPAKATAN_BERSAMA, gettext_lazy("Draft the joint agreement (KB)")),
    Transition(S.PERSIAPAN, S.PERJANJIAN_KERJA_SAMA, gettext_lazy("Draft the PKS")),
    Transition(S.PENAWARAN, S.KESEPAKATAN_BERSAMA, gettext_lazy("Draft the joint agreement (KB)")),
    Transition(S.PENAWARAN, S.PERJANJIAN_KERJA_SAMA, gettext_lazy("Draft the PKS")),
    Transition(
        S.KESEPAKATAN_BERSAMA, S.PERSETUJUAN_DPRD, gettext_lazy("Ask for DPRD approval"), requires=(_dprd_needed,)
    ),
    Transition(S.KESEPAKATAN_BERSAMA, S.PERJANJIAN_KERJA_SAMA, gettext_lazy("Draft the PKS")),
    Transition(S.KESEPAKATAN_BERSAMA, S.PENANDATANGANAN, gettext_lazy("Prepare signing"), requires=(_dprd_settled,)),
    Transition(S.PERSETUJUAN_DPRD, S.PERJANJIAN_KERJA_SAMA, gettext_lazy("Draft the PKS"), requires=(_dprd_settled,)),
    Transition(S.PERSETUJUAN_DPRD, S.PENANDATANGANAN, gettext_lazy("Prepare signing"), requires=(_dprd_settled,)),
    Transition(
        S.PERJANJIAN_KERJA_SAMA, S.PERSETUJUAN_DPRD, gettext_lazy("Ask for DPRD approval"), requires=(_dprd_needed,)
    ),
    Transition(S.PERJANJIAN_KERJA_SAMA, S.PENANDATANGANAN, gettext_lazy("Prepare signing"), requires=(_dprd_settled,)),
    Transition(
        S.PENANDATANGANAN,
        S.PELAKSANAAN,
        gettext_lazy("Signed: start implementation"),
        requires=(_signed, _dprd_settled),
    ),
    Transition(S.PELAKSANAAN, S.EVALUASI, gettext_lazy("Start evaluation"), roles=WITH_TKKSD),
    Transition(S.EVALUASI, S.PELAKSANAAN, gettext_lazy("Back to implementation"), roles=WITH_TKKSD),
    Transition(S.PELAKSANAAN, S.SELESAI, gettext_lazy("Mark completed")),
    Transition(S.EVALUASI, S.SELESAI, gettext_lazy("Mark completed")),
    Transition(S.PELAKSANAAN, S.DIPERPANJANG, gettext_lazy("Mark extended"), requires=(_has_successor,)),
    Transition(S.EVALUASI, S.DIPERPANJANG, gettext_lazy("Mark extended"), requires=(_has_successor,)),
    Transition(S.PELAKSANAAN, S.DIAKHIRI, gettext_lazy("Terminate"), roles=ADMIN_ONLY, note_required=True),
    Transition(S.EVALUASI, S.DIAKHIRI, gettext_lazy("Terminate"), roles=ADMIN_ONLY, note_required=True),
    *(
        Transition(stage, S.DITOLAK, gettext_lazy("Reject"), roles=ADMIN_ONLY, note_required=True)
        for stage in NOT_YET_SIGNED
    ),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


class TransitionError(Exception):
    """A stage change that is not allowed; ``messages`` say why, in the user's language."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def transitions_from(stage: str) -> list[Transition]:
    """Every move allowed out of ``stage``, whoever makes it."""
    return [t for t in TRANSITIONS if t.source == stage]


def problems(agreement: Agreement, target: str, actor: Actor, note: str = "") -> list[str]:
    """Why ``actor`` may not move ``agreement`` to ``target`` now; empty when allowed."""
    rule = _BY_PAIR.get((agreement.stage, target))
    if rule is None:
        return [
            _("An agreement in stage “%(source)s” cannot move to “%(target)s”.")
            % {"source": Stage(agreement.stage).label, "target": Stage(target).label}
        ]
    found = []
    if actor.role not in rule.roles:
        found.append(_("Your role may not make this change."))
    if rule.note_required and not note.strip():
        found.append(_("Write the reason in the note."))
    found.extend(reason for check in rule.requires if (reason := check(agreement)))
    if agreement.is_archived:
        found.append(_("The agreement is archived; restore it first."))
    return found


def available(agreement: Agreement, user) -> list[tuple[Transition, list[str]]]:
    """Moves shown to ``user`` on the agreement page, each with the reasons it is blocked."""
    actor = actor_for(user)
    if not Agreement.objects.restrict(user, TRANSITION).filter(pk=agreement.pk).exists():
        return []
    return [
        (rule, [p for p in problems(agreement, rule.target, actor, note="-") if p])
        for rule in transitions_from(agreement.stage)
        if actor.role in rule.roles
    ]


def transition(
    agreement: Agreement, target: str, user=None, note: str = "", on_date: dt.date | None = None
) -> AgreementTransition:
    """Move ``agreement`` to ``target`` for ``user`` (default: the current actor), recording who, when, why.

    Termination sets ``terminated_on`` (default today) so validity follows from the dates.
    Raises :class:`TransitionError` when the move is not allowed.
    """
    user = user if user is not None else current().user
    actor = actor_for(user)
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if not Agreement.objects.restrict(user, TRANSITION).filter(pk=locked.pk).exists():
            raise TransitionError([_("You may not change this agreement.")])
        from kerjasama.agreements.services import snapshot

        before = snapshot(locked)
        fields = ["stage", "updated_at"]
        if target == Stage.PELAKSANAAN and locked.signed_on is None and on_date is not None:
            # The signing button carries the signing date; the start date defaults to it.
            locked.signed_on = on_date
            locked.start_on = locked.start_on or on_date
            fields += ["signed_on", "start_on"]
        if target == Stage.DIAKHIRI:
            locked.terminated_on = on_date or timezone.localdate()
            fields.append("terminated_on")
        found = problems(locked, target, actor, note)
        if found:
            raise TransitionError(found)
        source = locked.stage
        locked.stage = target
        locked.save(update_fields=fields)
        record = AgreementTransition.objects.create(
            agreement=locked,
            from_stage=source,
            to_stage=target,
            user=user if getattr(user, "pk", None) else None,
            user_name=user.get_username() if getattr(user, "pk", None) else "",
            at=timezone.now(),
            note=note.strip(),
        )
        changelog.log_change(
            locked, ChangeAction.TRANSITION, before=before, after=snapshot(locked), message=note.strip()
        )
        if "start_on" in fields or "terminated_on" in fields:
            refresh_periods(locked)  # the expected implementation reports follow the dates
        index_agreements([locked.pk])
    agreement.refresh_from_db()
    return record
