"""The register as an OCDS-shaped release package: each public agreement is one contracting process.

No standard exists for agreements between governments (anchors.md 5.2); the Open Contracting Data
Standard 1.1 comes closest, so the profile borrows its shape and tools (docs/open-data.md, "OCDS
profile"). Mapping decisions:

- ``ocid`` = ``KERJASAMA["OCID_PREFIX"]`` + ``-`` + agreement id. The default prefix is not registered
  with the Open Contracting Partnership: a real one must be requested before publishing for good,
  and changing it changes every ocid.
- one release per agreement describing its current state (a snapshot): ``id`` = ocid + a hash of the
  release, so any change gives a new release id; ``date`` = the latest change of the agreement or of
  its monitoring rows.
- ``parties``: regional governments identified by Kemendagri code (scheme ``ID-KEMENDAGRI``),
  partners and perangkat daerah by this register's ids (schemes ``KSDKALTIM-MITRA``,
  ``KSDKALTIM-OPD``); roles: project codes (initiator, partner, facilitator, serviceProvider,
  serviceRecipient) and OCDS's contractImplementationManager for the owning perangkat daerah.
- ``contracts[0].status`` from stage and validity (:func:`contract_status`); ``awardID`` is left out:
  agreements are not awarded, and inventing awards would mislead (a known deviation from OCDS 1.1).
- ``milestones``: stage moves (as recorded in the register) and the implementation reports due.
- ``implementation``: activities as milestones, public implementation reports as documents, and
  indicators with baseline, target and values per period (the project's extension, IATI-like).
- ``documents``: real addresses only (the agreement's page); signed copies once stored.
- ``relatedProcesses``: a PKS under a KB: ``framework``; an addendum or extension: ``prior``; on the
  extended agreement: ``renewalProcess``.
"""

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kerjasama.agreements.choices import ChangeKind, FundingSource, Stage, Validity
from kerjasama.agreements.lifecycle import NOT_YET_SIGNED
from kerjasama.agreements.models import Agreement, AgreementParty, AgreementTransition, expiring_window
from kerjasama.monitoring.choices import ActivityStatus
from kerjasama.monitoring.models import Activity, ImplementationReport, Indicator, IndicatorValue, ReportingPeriod
from kerjasama.monitoring.progress import ROW_FIELDS, ActivityRow, achievement, activity_progress
from kerjasama.opendata.datasets import (
    Context,
    agreement_chunks,
    plain_number,
    public_agreements,
    public_rows,
    related_lists,
)

OCDS_VERSION = "1.1"
REGION_SCHEME = "ID-KEMENDAGRI"
PARTNER_SCHEME = "KSDKALTIM-MITRA"
OFFICE_SCHEME = "KSDKALTIM-OPD"
URUSAN_SCHEME = "ID-URUSAN-UU23-2014"
SERVICE_SCHEME = "KSDKALTIM-LAYANAN"

ROLE_CODES = {"pemrakarsa": "initiator", "mitra": "partner", "fasilitator": "facilitator"}
SERVICE_ROLE_CODES = {
    "penyedia": ["serviceProvider"],
    "penerima": ["serviceRecipient"],
    "timbal_balik": ["serviceProvider", "serviceRecipient"],
}
ACTIVITY_STATUS = {
    ActivityStatus.DIRENCANAKAN: "scheduled",
    ActivityStatus.BERJALAN: "scheduled",
    ActivityStatus.TERTUNDA: "scheduled",
    ActivityStatus.SELESAI: "met",
    ActivityStatus.DIBATALKAN: "notMet",
}
FINISHED = (Stage.SELESAI, Stage.DIPERPANJANG, Stage.DIAKHIRI)


def ocid_prefix() -> str:
    return settings.KERJASAMA["OCID_PREFIX"]


def ocid(agreement_id: int) -> str:
    """The open contracting id of an agreement."""
    return f"{ocid_prefix()}-{agreement_id}"


def contract_status(agreement: Agreement, day: dt.date) -> str:
    """OCDS 1.1 contract status from the stage and the validity on ``day``.

    Rejected: cancelled. Not yet signed: pending. Completed, extended (replaced by its extension) or
    terminated: terminated. Signed (implementation, evaluation): by the dates, pending before the
    start, terminated after the end, active in between.
    """
    if agreement.stage == Stage.DITOLAK:
        return "cancelled"
    if agreement.stage in NOT_YET_SIGNED:
        return "pending"
    if agreement.stage in FINISHED:
        return "terminated"
    validity = agreement.validity_on(day, expiring_window())
    if validity == Validity.BELUM_BERLAKU:
        return "pending"
    if validity == Validity.KEDALUWARSA:
        return "terminated"
    return "active"


def _zone():
    return timezone.get_default_timezone()


def start_of(day: dt.date | None) -> str | None:
    """A day as an OCDS date-time: its first second, WITA."""
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), _zone()).isoformat()


def end_of(day: dt.date | None) -> str | None:
    """A day as an OCDS date-time: its last second, WITA (for end and due dates)."""
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)), _zone()).isoformat()


def moment(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value, _zone()).isoformat(timespec="seconds") if value is not None else None


def clean(value):
    """Drop empty members (None, "", [], {}) recursively: OCDS omits what is not known."""
    if isinstance(value, dict):
        cleaned = {key: clean(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [clean(item) for item in value]
    return value


def money(amount) -> dict | None:
    return {"amount": plain_number(amount), "currency": "IDR"} if amount is not None else None


# Pieces of a release ----------------------------------------------------------------------------------------


def party_id(party: AgreementParty) -> str:
    pihak = party.pihak
    return f"{REGION_SCHEME}-{pihak.region_id}" if pihak.region_id else f"{PARTNER_SCHEME}-{pihak.partner_id}"


def organization(party: AgreementParty) -> dict:
    """A party of the agreement as an OCDS Organization."""
    pihak = party.pihak
    partner = pihak.partner if pihak.partner_id else None
    if pihak.region_id:
        identifier = {"scheme": REGION_SCHEME, "id": pihak.region_id, "legalName": pihak.name}
    else:
        identifier = {"scheme": PARTNER_SCHEME, "id": str(pihak.partner_id), "legalName": pihak.name}
        if partner is not None and partner.website:
            identifier["uri"] = partner.website
    return {
        "id": party_id(party),
        "name": pihak.name,
        "identifier": identifier,
        "roles": [ROLE_CODES.get(party.role, party.role), *SERVICE_ROLE_CODES.get(party.service_role, [])],
        "details": {
            "kind": pihak.kind,
            "partnerType": partner.partner_type if partner else None,
            "order": party.order,
            "role": party.role,
            "serviceRole": party.service_role,
            "number": party.number,
            "signatoryTitle": party.signatory_title,
        },
    }


def office(agreement: Agreement) -> dict | None:
    """The owning perangkat daerah as the contract implementation manager."""
    unit = agreement.perangkat_daerah
    if unit is None:
        return None
    return {
        "id": f"{OFFICE_SCHEME}-{unit.pk}",
        "name": unit.name,
        "identifier": {"scheme": OFFICE_SCHEME, "id": str(unit.pk), "legalName": unit.name},
        "roles": ["contractImplementationManager"],
    }


def items(agreement: Agreement) -> list[dict]:
    """Urusan covered and services opened, as classified items."""
    found = [
        {
            "id": f"urusan-{urusan.code}",
            "description": urusan.name,
            "classification": {"scheme": URUSAN_SCHEME, "id": urusan.code, "description": urusan.name},
        }
        for urusan in agreement.urusan_list
    ]
    found += [
        {
            "id": f"layanan-{service.code}",
            "description": service.name,
            "classification": {"scheme": SERVICE_SCHEME, "id": service.code, "description": service.name},
        }
        for service in agreement.service_list
    ]
    return found


def stage_milestones(agreement: Agreement) -> list[dict]:
    """Each recorded stage move; ``dateMet`` is when the register recorded it."""
    return [
        {
            "id": f"tahap-{move.pk}",
            "title": str(Stage(move.to_stage).label),
            "type": "assessment" if move.to_stage == Stage.EVALUASI else "approval",
            "code": f"tahap.{move.to_stage}",
            "status": "met",
            "dateMet": moment(move.at),
        }
        for move in agreement.transition_list
    ]


def report_milestones(agreement: Agreement, reports: dict, day: dt.date) -> list[dict]:
    """The implementation reports due, met when the report was submitted, not met when overdue."""
    found = []
    for period in agreement.period_list:
        submitted = reports.get((period.pihak_id, period.period_start))
        if submitted is not None:
            status = "met"
        elif period.due_on < day:
            status = "notMet"
        else:
            status = "scheduled"
        found.append(
            {
                "id": f"laporan-{period.pk}",
                "title": _("Implementation report of %(party)s, %(start)s to %(end)s")
                % {"party": period.pihak.name, "start": period.period_start, "end": period.period_end},
                "type": "reporting",
                "code": "laporanPelaksanaan",
                "dueAfterDate": end_of(period.period_end),
                "dueDate": end_of(period.due_on),
                "dateMet": start_of(submitted.submitted_on) if submitted is not None else None,
                "status": status,
            }
        )
    return found


def activity_milestones(activities: list[Activity], party_ids: dict[int, str]) -> list[dict]:
    """The work plan: each activity as a delivery milestone with its rolled-up progress."""
    progress = activity_progress(ActivityRow(*(getattr(row, name) for name in ROW_FIELDS)) for row in activities)
    found = []
    for activity in activities:
        responsible = None
        if activity.pihak_id:
            responsible = {"id": party_ids.get(activity.pihak_id), "name": activity.pihak.name}
        found.append(
            {
                "id": f"kegiatan-{activity.pk}",
                "title": activity.title,
                "description": activity.description,
                "type": "delivery",
                "code": "kegiatan",
                "status": ACTIVITY_STATUS.get(activity.status),
                "dueAfterDate": start_of(activity.planned_start),
                "dueDate": end_of(activity.planned_end),
                "dateMet": end_of(activity.actual_end) if activity.status == ActivityStatus.SELESAI else None,
                "dateModified": moment(activity.updated_at),
                "progress": round(progress[activity.pk], 2) if progress.get(activity.pk) is not None else None,
                "partOf": f"kegiatan-{activity.parent_id}" if activity.parent_id else None,
                "responsibleParty": responsible,
                "activityStatus": activity.status,
            }
        )
    return found


def indicator_results(indicators: list[Indicator]) -> list[dict]:
    """Indicators as IATI-like results: baseline, target, and the actual value per period."""
    found = []
    for indicator in indicators:
        values = indicator.value_list
        result = achievement(indicator, values)
        found.append(
            {
                "id": f"indikator-{indicator.pk}",
                "title": indicator.name,
                "description": indicator.description,
                "unit": {"name": indicator.unit},
                "aggregation": indicator.aggregation,
                "baseline": {"value": plain_number(indicator.baseline)} if indicator.baseline is not None else None,
                "target": {"value": plain_number(indicator.target)} if indicator.target is not None else None,
                "periods": [
                    {
                        "id": f"nilai-{value.pk}",
                        "period": {"startDate": start_of(value.period_start), "endDate": end_of(value.period_end)},
                        "actual": {"value": plain_number(value.value)},
                        "dateRecorded": value.recorded_on.isoformat(),
                        "note": value.note,
                    }
                    for value in values
                ],
                "result": {
                    "value": plain_number(result.result),
                    "percentOfTarget": round(result.percent, 2) if result.percent is not None else None,
                    "asOf": end_of(result.latest_on),
                }
                if result.result is not None
                else None,
                "dataSource": indicator.source,
            }
        )
    return found


# Releases ----------------------------------------------------------------------------------------------------


class Linked:
    """What a chunk of releases needs to know about other agreements: which are public (their title
    and release address may be shown) and which public agreements extend each one."""

    def __init__(self, chunk: list[Agreement]) -> None:
        ids = {pk for agreement in chunk for pk in (agreement.parent_id, agreement.amends_id) if pk}
        self.titles = dict(public_agreements().filter(pk__in=ids).values_list("pk", "title"))
        self.renewals: dict[int, list[tuple[int, str]]] = defaultdict(list)
        renewals = public_agreements().filter(
            amends_id__in=[agreement.pk for agreement in chunk], change_kind=ChangeKind.PERPANJANGAN
        )
        for pk, amends_id, title in renewals.values_list("pk", "amends_id", "title").order_by("pk"):
            self.renewals[amends_id].append((pk, title))


def _related(ctx: Context, pk: int, key: str, relationship: str, title: str | None) -> dict:
    return {
        "id": f"{key}-{pk}",
        "relationship": [relationship],
        "title": title,
        "scheme": "ocid",
        "identifier": ocid(pk),
        "uri": ctx.url(reverse("opendata-ocds-release", args=[pk])) if title is not None else None,
    }


def release(agreement: Agreement, ctx: Context, linked: Linked, reports: dict) -> dict:
    """One agreement as an OCDS release (its current state)."""
    parties = agreement.party_list
    party_ids = {party.pihak_id: party_id(party) for party in parties}
    activities = agreement.activity_list
    indicators = agreement.indicator_list
    public_reports = agreement.report_list
    organizations = [organization(party) for party in parties]
    manager = office(agreement)
    if manager is not None:
        organizations.append(manager)
    backward = []
    if agreement.parent_id:
        backward.append(
            _related(ctx, agreement.parent_id, "induk", "framework", linked.titles.get(agreement.parent_id))
        )
    if agreement.amends_id:
        backward.append(_related(ctx, agreement.amends_id, "mengubah", "prior", linked.titles.get(agreement.amends_id)))
    forward = [
        _related(ctx, pk, "perpanjangan", "renewalProcess", title) for pk, title in linked.renewals[agreement.pk]
    ]
    implementation = {
        "milestones": activity_milestones(activities, party_ids),
        "documents": [
            {
                "id": f"laporan-{report.pk}",
                "documentType": "physicalProgressReport",
                "title": _("Implementation report of %(party)s, %(start)s to %(end)s")
                % {"party": report.pihak.name, "start": report.period_start, "end": report.period_end},
                "url": ctx.url(reverse("monitoring-report", args=[agreement.pk, report.pk])),
                "datePublished": start_of(report.submitted_on),
                "format": "text/html",
            }
            for report in public_reports
        ],
        "indicators": indicator_results(indicators),
    }
    contract = {
        "id": str(agreement.pk),
        "title": agreement.title,
        "description": agreement.subject,
        "status": contract_status(agreement, ctx.today),
        "statusDetails": str(Stage(agreement.stage).label),
        "dateSigned": start_of(agreement.signed_on),
        "period": {"startDate": start_of(agreement.start_on), "endDate": end_of(agreement.end_on)},
        "value": money(agreement.funding_amount),
        "items": items(agreement),
        "documents": [
            {
                "id": "halaman",
                "documentType": "contractSummary",
                "title": _("The agreement in the register"),
                "url": ctx.url(reverse("kerjasama-detail", args=[agreement.pk])),
                "format": "text/html",
            }
        ],
        "milestones": stage_milestones(agreement) + report_milestones(agreement, reports, ctx.today),
        "relatedProcesses": forward,
        "implementation": implementation,
        "agreementDetails": {
            "documentType": agreement.document_type,
            "category": agreement.category,
            "stage": agreement.stage,
            "validity": agreement.validity_on(ctx.today, expiring_window()),
            "validityDate": ctx.today.isoformat(),
            "numbers": [party.number for party in parties if party.number],
            "scope": agreement.scope,
            "terminatedOn": agreement.terminated_on.isoformat() if agreement.terminated_on else None,
            "serviceAreas": [region.code for region in agreement.area_list],
            "dprdApprovalRequired": agreement.dprd_approval_required,
            "dprdApprovalReference": agreement.dprd_approval_reference,
            "dataSource": agreement.source,
            "dataSourceNote": agreement.source_note,
        },
    }
    changed = [agreement.updated_at, *(row.updated_at for row in (*activities, *indicators, *public_reports))]
    body = {
        "ocid": ocid(agreement.pk),
        "date": moment(max(changed)),
        "tag": _tags(agreement, implementation),
        "initiationType": "tender",
        "language": "id",
        "parties": organizations,
        "planning": _planning(agreement),
        "relatedProcesses": backward,
        "contracts": [contract],
    }
    body = clean(body)
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    return {"ocid": body["ocid"], "id": f"{body['ocid']}-{digest}", **{k: v for k, v in body.items() if k != "ocid"}}


def _tags(agreement: Agreement, implementation: dict) -> list[str]:
    tags = ["contract"]
    if any(implementation.values()):
        tags.append("implementation")
    if agreement.stage == Stage.DIAKHIRI:
        tags.append("contractTermination")
    return tags


def _planning(agreement: Agreement) -> dict | None:
    if not agreement.funding_source:
        return None
    return {
        "budget": {
            "id": agreement.funding_source,
            "description": str(FundingSource(agreement.funding_source).label),
            "amount": money(agreement.funding_amount),
        }
    }


def release_queryset(queryset):
    """Agreements with everything their releases need as plain lists, fetched per chunk in a fixed
    number of queries (see ``datasets.related_lists`` for why lists)."""
    return queryset.select_related("perangkat_daerah").prefetch_related(
        *related_lists(),
        Prefetch(
            "transitions",
            queryset=AgreementTransition.objects.order_by("agreement_id", "at", "pk"),
            to_attr="transition_list",
        ),
        Prefetch(
            "reporting_periods",
            queryset=ReportingPeriod.objects.select_related("pihak").order_by("agreement_id", "due_on", "pihak_id"),
            to_attr="period_list",
        ),
        Prefetch(
            "reports",
            queryset=public_rows(ImplementationReport)
            .select_related("pihak")
            .only("pk", "agreement_id", "pihak", "period_start", "period_end", "submitted_on", "updated_at")
            .order_by("agreement_id", "period_start", "pk"),
            to_attr="report_list",
        ),
        Prefetch(
            "activities",
            queryset=public_rows(Activity).select_related("pihak").order_by("agreement_id", "order", "pk"),
            to_attr="activity_list",
        ),
        Prefetch(
            "indicators",
            queryset=public_rows(Indicator)
            .order_by("agreement_id", "order", "pk")
            .prefetch_related(
                Prefetch("values", queryset=IndicatorValue.objects.order_by("period_start"), to_attr="value_list")
            ),
            to_attr="indicator_list",
        ),
    )


def releases(ctx: Context, queryset=None) -> Iterator[dict]:
    """A release for each public agreement (or each of ``queryset``'s), in id order."""
    queryset = release_queryset(public_agreements() if queryset is None else queryset)
    for chunk in agreement_chunks(queryset, size=500):
        linked = Linked(chunk)
        for agreement in chunk:
            reports = {(report.pihak_id, report.period_start): report for report in agreement.report_list}
            yield release(agreement, ctx, linked, reports)


def package_head(ctx: Context, published: dt.datetime | None, uri: str) -> dict:
    """The release package without its releases."""
    licence = settings.KERJASAMA["OPEN_DATA_LICENCE"]
    return clean(
        {
            "uri": uri,
            "version": OCDS_VERSION,
            "extensions": [ctx.url(reverse("opendata-ocds-extension"))],
            "publishedDate": moment(published),
            "publisher": {"name": licence["attribution"], "uri": ctx.base_url or None},
            "license": licence["url"],
            "publicationPolicy": ctx.url(reverse("opendata-index")) + "#kebijakan",
        }
    )


def package_chunks(head: dict, bodies: Iterable[dict]) -> Iterator[bytes]:
    """A release package as JSON, one release per line, in chunks."""
    opening = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "releases": ['
    parts, size = [opening], 0
    for index, body in enumerate(bodies):
        line = json.dumps(body, ensure_ascii=False)
        parts.append(("\n" if index == 0 else ",\n") + line)
        size += len(line)
        if size >= 64 * 1024:
            yield "".join(parts).encode()
            parts, size = [], 0
    parts.append("\n]}\n")
    yield "".join(parts).encode()
