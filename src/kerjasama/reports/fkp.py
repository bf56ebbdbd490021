"""Briefing pack for a Forum Konsultasi Publik (FKP) on inter-regional cooperation, as a short PDF.

Printed from the same :class:`~kerjasama.reports.data.ReportData` as the KSD report, for a period that
starts on the day of the last forum: headline figures, what changed since then, the figures of the
participants' regions, the open problems with their follow-up actions, the service-access gaps put
as questions to the public (``access.gaps.find_gaps``) and ruled space for notes (domain brief 3:
FKP participants are service users, stakeholders, experts, civil society and media; weak follow-up
of recommendations is the known failure).

It is handed out to the public, so it lists only public agreements and problems (counts include
all, as the register's statistics do) and names owning institutions, never people.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kerjasama.core.choices import Source
from kerjasama.reports.data import KALTIM, GroupRow, ReportData, format_number, in_report_language
from kerjasama.reports.pdf import LETTERHEAD, SYNTHETIC_BANNER, css_string, html_to_pdf, page_counter_css

__all__ = ("GapQuestion", "fkp_context", "gap_questions", "render_fkp_html", "render_fkp_pdf")

# Candidate agreements per service put to the forum, and public agreements listed as examples.
QUESTIONS_PER_SERVICE = 3
LISTED_AGREEMENTS = 8
LISTED_ACTIONS = 20
NOTE_LINES = 12


@dataclass
class GapQuestion:
    """A service-access gap, as a question for the public."""

    service: str
    home: str
    provider: str
    desa: int
    kecamatan: list[str]
    residents: float | None
    saved_km: float | None
    unserved: bool
    question: str


def gap_questions(report: ReportData, per_service: int = QUESTIONS_PER_SERVICE) -> tuple[list[GapQuestion], dict]:
    """The top candidate agreements of every service on the period's last day, as questions; and facts on the data.

    Within the report's region (the province by default). The facts say how many service points were
    used and whether any is synthetic or only approximately located.
    """
    from kerjasama.access.gaps import find_gaps
    from kerjasama.access.models import ServicePoint
    from kerjasama.regions.models import ServiceType

    questions: list[GapQuestion] = []
    within = report.region or KALTIM
    for code in ServiceType.objects.order_by("code").values_list("code", flat=True):
        found = find_gaps(code, report.end, within)
        for candidate in found.candidates[:per_service]:
            kecamatan = sorted({desa.kecamatan_name for desa in candidate.desa})
            names = ", ".join(kecamatan[:4]) + (" …" if len(kecamatan) > 4 else "")
            facts = {
                "desa": candidate.desa_count,
                "kecamatan": names,
                "home": candidate.home_name,
                "provider": candidate.provider_name,
                "service": found.service_name,
                "residents": format_number(round(candidate.residents_estimate, -2))
                if candidate.residents_estimate
                else "–",
                "km": format_number(candidate.saved_km_per_resident, 1)
                if candidate.saved_km_per_resident is not None
                else "–",
            }
            unserved = candidate.unserved_desa == candidate.desa_count
            if unserved:
                text = _(
                    "Residents of %(desa)s desa/kelurahan in %(kecamatan)s (%(home)s, about %(residents)s people) may "
                    "use no point of the service “%(service)s” under the agreements in force; the nearest is run by "
                    "%(provider)s. Should %(home)s and %(provider)s agree to serve them there?"
                )
            else:
                text = _(
                    "Residents of %(desa)s desa/kelurahan in %(kecamatan)s (%(home)s, about %(residents)s people) "
                    "live nearer to a point of the service “%(service)s” run by %(provider)s than to the point they "
                    "may use now: about %(km)s km nearer per resident. Should %(home)s and %(provider)s agree to "
                    "serve them there?"
                )
            questions.append(
                GapQuestion(
                    service=found.service_name,
                    home=candidate.home_name,
                    provider=candidate.provider_name,
                    desa=candidate.desa_count,
                    kecamatan=kecamatan,
                    residents=candidate.residents_estimate,
                    saved_km=candidate.saved_km_per_resident,
                    unserved=unserved,
                    question=text % facts,
                )
            )
    points = ServicePoint.objects.all()
    facts = {
        "points": points.count(),
        "synthetic_points": points.filter(source=Source.SINTETIS).count(),
        "approximate_points": points.filter(is_approximate=True).count(),
    }
    return questions, facts


def _change_row(label: str, before: float | None, after: float | None) -> tuple[str, str, str, str]:
    """A row of "what changed": the figure before and after, and the difference with its sign (as text)."""
    decimals = 0 if isinstance(before, int) and isinstance(after, int) else 1
    if before is None or after is None:
        change = "–"
    else:
        difference = after - before
        change = ("+" if difference > 0 else "") + format_number(difference, decimals)
    return label, format_number(before, decimals), format_number(after, decimals), change


def fkp_context(report: ReportData, participants: list[str] | None = None) -> dict:
    """The template context of the FKP pack (in the report's language)."""
    opening, closing = report.opening, report.closing
    questions, point_facts = gap_questions(report)
    synthetic_records = report.synthetic_records + point_facts["synthetic_points"]
    rows: list[GroupRow] = report.regions
    if participants:
        rows = [row for row in rows if row.key in set(participants)]
    share_before = None if opening.implemented_share is None else round(100 * opening.implemented_share, 1)
    share_after = None if closing.implemented_share is None else round(100 * closing.implemented_share, 1)
    changes = [
        _change_row(_("Agreements in force"), opening.in_force, closing.in_force),
        _change_row(_("Signed (to date)"), opening.signed, closing.signed),
        _change_row(_("Implemented"), opening.implemented, closing.implemented),
        _change_row(_("Share implemented (%)"), share_before, share_after),
        _change_row(_("Mean implementation score"), opening.mean_score, closing.mean_score),
        _change_row(_("Agreements needing attention"), opening.flagged_agreements, closing.flagged_agreements),
        _change_row(_("Open problems"), opening.open_problems, closing.open_problems),
    ]
    public_problems = [row for row in report.problems if row.is_public]
    evaluation_actions = [
        action for action in report.actions if action.kind == "evaluation" and action.public and action.overdue
    ]
    new_public = [row for row in report.new if row.is_public]
    banner = SYNTHETIC_BANNER if synthetic_records else ""
    return {
        "report": report,
        "summary": report.summary,
        "letterhead": LETTERHEAD,
        "banner": banner,
        "synthetic_records": synthetic_records,
        "page_counter": page_counter_css(),
        "running_header": css_string(
            _("Public consultation forum · inter-regional cooperation · %(period)s") % {"period": report.period_label}
        ),
        "changes": changes,
        "regions": rows,
        "participants": bool(participants),
        "new_public": new_public[-LISTED_AGREEMENTS:][::-1],
        "new_public_total": len(new_public),
        "problems": public_problems,
        "hidden_problems": len(report.problems) - len(public_problems),
        "evaluation_actions": evaluation_actions[:LISTED_ACTIONS],
        "evaluation_actions_total": len(evaluation_actions),
        "questions": questions,
        "point_facts": point_facts,
        "note_lines": range(NOTE_LINES),
    }


def render_fkp_html(report: ReportData, participants: list[str] | None = None) -> str:
    """The FKP pack as print HTML."""
    with in_report_language():
        return render_to_string("reports/fkp.html", fkp_context(report, participants))


def render_fkp_pdf(report: ReportData, participants: list[str] | None = None) -> bytes:
    """The FKP pack as PDF bytes; ``participants`` (region codes) limits the table by region."""
    return html_to_pdf(render_fkp_html(report, participants))
