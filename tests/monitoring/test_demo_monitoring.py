"""The demo's synthetic monitoring: every kind of flag on its day, healthy agreements, the page equal to the check.

The demo register with its monitoring is built once for the module and removed afterwards; tests that
change it run inside their own rolled-back transaction. Expected sets are computed from the rows, never
written down.
"""

import datetime as dt
import io
import json
import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F, Q
from django.test import override_settings
from django.utils import timezone, translation
from rest_framework.test import APIClient

from kerjasama.agreements.choices import DocumentType, Stage, Validity
from kerjasama.agreements.demo import (
    DEMO_USERS,
    GRATISPOL_NEW_STUDENTS,
    SYNTHETIC_NOTE,
    build_demo,
    create_demo_users,
    demo_agreements,
    reference_date,
    remove_demo_agreements,
)
from kerjasama.agreements.lifecycle import FINAL
from kerjasama.agreements.models import Agreement
from kerjasama.core.choices import Source
from kerjasama.core.models import ObjectChange
from kerjasama.monitoring import alerts, health, scores, services
from kerjasama.monitoring.choices import HIGH_SEVERITIES, OPEN_PROBLEM_STATUSES, ProblemType
from kerjasama.monitoring.demo import MARK, build_demo_monitoring, remove_demo_monitoring
from kerjasama.monitoring.management.commands.check import Command as CheckCommand
from kerjasama.monitoring.management.commands.check import _cut
from kerjasama.monitoring.models import (
    Activity,
    Evaluation,
    FollowUpAction,
    ImplementationReport,
    Indicator,
    IndicatorValue,
    Problem,
    ReportingPeriod,
    ReportingSchedule,
)
from kerjasama.monitoring.schedules import refresh_periods
from kerjasama.regions.models import Partner, PerangkatDaerah, Pihak
from kerjasama.users.roles import Actor
from tests.builders import make_agreement, pihak

PAGE = "/perlu-perhatian/"
ROW = re.compile(r'<tr data-rule="(\w+)" data-agreement="(\d+)">')
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REAL_SEGMENT_FIELDS = ("title", "problem_type", "severity", "description", "region_id", "status", "escalation_level",
                       "opened_on", "resolved_on", "is_public", "source", "source_note")  # fmt: skip
BOUNDARY_REGIONS = {"64.07", "64.01", "64.09", "64.08", "64.03", "64.11"}


def real_segments() -> dict[int, tuple]:
    rows = Problem.objects.filter(source=Source.REFERENSI).order_by("pk").values_list("pk", *REAL_SEGMENT_FIELDS)
    return {row[0]: row[1:] for row in rows}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo register with its monitoring and log-ins for the default seed; all removed after the module."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        offices = set(PerangkatDaerah.objects.values_list("pk", flat=True))
        last_change = ObjectChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        segments = real_segments()
        users = create_demo_users()
        build_demo()
        summary = build_demo_monitoring()
        try:
            yield {"summary": summary, "segments": segments}
        finally:
            remove_demo_monitoring()
            remove_demo_agreements()
            get_user_model().objects.filter(username__in=users).delete()
            Pihak.objects.filter(partner__source=Source.SINTETIS).delete()
            Partner.objects.filter(source=Source.SINTETIS).delete()
            PerangkatDaerah.objects.exclude(pk__in=offices).delete()
            ObjectChange.objects.filter(pk__gt=last_change).delete()


@pytest.fixture
def day(demo) -> dt.date:
    return reference_date()


def pairs(flags) -> set[tuple[int, str]]:
    return {(flag.agreement_id, flag.rule) for flag in flags}


def live_in_force(day: dt.date):
    return Agreement.objects.in_force_on(day).exclude(stage__in=FINAL).filter(archived_at__isnull=True)


# Every kind of flag, computed from the rows -------------------------------------------------------


def test_every_rule_flags_some_demo_agreement_on_the_reference_date(demo, db, day):
    counts = Counter(flag.rule for flag in health.evaluate(day))
    assert set(counts) == set(health.RULES), counts
    assert demo["summary"].flags == dict(sorted(counts.items()))


def test_dormant_and_no_workplan_follow_the_evidence_in_the_rows(demo, db, day):
    limit = health.health_setting("DORMANT_DAYS")
    cutoff = day - dt.timedelta(days=limit)
    evidence: dict[int, list[dt.date]] = defaultdict(list)
    for pk, *days in Activity.objects.values_list("agreement_id", "last_progress_on", "actual_start", "actual_end"):
        evidence[pk] += [d for d in days if d is not None and d <= day]
    for pk, submitted in ImplementationReport.objects.values_list("agreement_id", "submitted_on"):
        evidence[pk] += [submitted] if submitted <= day else []
    for pk, recorded in IndicatorValue.objects.values_list("indicator__agreement_id", "recorded_on"):
        evidence[pk] += [recorded] if recorded <= day else []
    candidates = live_in_force(day).filter(signed_on__lte=cutoff, start_on__lte=cutoff)
    dormant = {pk for pk in candidates.values_list("pk", flat=True) if not any(d > cutoff for d in evidence[pk])}
    flagged = {flag.agreement_id for flag in health.evaluate(day, rules=["dormant"])}
    assert flagged == dormant
    never = {pk for pk in dormant if not evidence[pk]}
    assert never and dormant - never  # signature only, and a work plan left to sleep

    planned = set(Activity.objects.values_list("agreement_id", flat=True))
    signed_long_ago = live_in_force(day).filter(signed_on__lte=day - dt.timedelta(days=90))
    no_plan = set(signed_long_ago.exclude(pk__in=planned).values_list("pk", flat=True))
    assert {flag.agreement_id for flag in health.evaluate(day, rules=["no_workplan"])} == no_plan != set()


def test_overdue_reports_are_the_expected_reports_without_an_answer(demo, db, day):
    answered = set(ImplementationReport.objects.values_list("agreement_id", "pihak_id", "period_start"))
    overdue = {
        pk
        for pk, party, start in ReportingPeriod.objects.filter(due_on__lt=day).values_list(
            "agreement_id", "pihak_id", "period_start"
        )
        if (pk, party, start) not in answered
    }
    assert overdue
    assert {flag.agreement_id for flag in health.evaluate(day, rules=["report_overdue"])} == overdue


def test_blocked_agreements_carry_serious_problems_of_the_kinds_the_brief_names(demo, db, day):
    open_high = Problem.objects.filter(
        severity__in=HIGH_SEVERITIES, status__in=OPEN_PROBLEM_STATUSES, opened_on__lte=day
    )
    links = Problem.agreements.through.objects.filter(problem__in=open_high)
    blocked = set(links.values_list("agreement_id", flat=True))
    assert {flag.agreement_id for flag in health.evaluate(day, rules=["open_problem"])} == blocked
    kinds = set(open_high.filter(agreements__isnull=False).values_list("problem_type", flat=True))
    assert {ProblemType.PERTANAHAN, ProblemType.ANGGARAN, ProblemType.KOORDINASI, ProblemType.TANDA_TANGAN} <= kinds
    assert ProblemType.BATAS_WILAYAH in kinds
    land = open_high.filter(problem_type=ProblemType.PERTANAHAN, source=Source.SINTETIS)
    assert Agreement.objects.filter(problems__in=land).with_party(pihak("Kanwil BPN Kaltim")).exists()
    signatures = Agreement.objects.filter(problems__problem_type=ProblemType.TANDA_TANGAN).distinct()
    assert signatures.filter(signed_on__isnull=True, stage=Stage.PENANDATANGANAN, parent__parties__pihak=pihak("35"))
    assert Problem.objects.filter(source=Source.SINTETIS, status="selesai", resolved_on__isnull=False).exists()


def test_real_boundary_problems_gain_only_links_to_demo_agreements_that_say_so(demo, db):
    assert real_segments() == demo["segments"]
    segments = Problem.objects.filter(source=Source.REFERENSI, problem_type=ProblemType.BATAS_WILAYAH)
    linked = Agreement.objects.filter(problems__in=segments).distinct()
    assert linked.count() >= len(demo["segments"])
    assert not linked.exclude(source=Source.SINTETIS).exists()
    for agreement in linked.prefetch_related("parties__pihak", "problems__related_regions"):
        regions = {party.pihak.region_id for party in agreement.parties.all()}
        assert regions & BOUNDARY_REGIONS, agreement.title
        for segment in agreement.problems.filter(source=Source.REFERENSI):
            assert regions & {region.code for region in segment.related_regions.all()}, agreement.title
        assert "permasalahan nyata" in agreement.source_note and SYNTHETIC_NOTE in agreement.source_note


def test_expiring_expired_kb_and_dprd_cases(demo, db, day):
    by_rule = defaultdict(set)
    for flag in health.evaluate(day):
        by_rule[flag.rule].add(flag.agreement_id)
    expiring = live_in_force(day).validity_on(Validity.AKAN_BERAKHIR, day)
    assert by_rule["expiring"] == set(expiring.values_list("pk", flat=True)) != set()
    expired = Agreement.objects.filter(stage__in=(Stage.PELAKSANAAN, Stage.EVALUASI)).validity_on(
        Validity.KEDALUWARSA, day
    )
    assert by_rule["expired_active"] == set(expired.values_list("pk", flat=True)) != set()
    kb = Agreement.objects.filter(pk__in=by_rule["kb_without_pks"])
    assert kb.exists() and set(kb.values_list("document_type", flat=True)) == {DocumentType.KB}
    assert not kb.filter(children__signed_on__lte=day).exists()
    dprd = Agreement.objects.filter(pk__in=by_rule["dprd_missing"])
    assert dprd.exists() and not dprd.exclude(dprd_approval_required=True, dprd_approval_reference="").exists()
    # A monev found the missing approval: an evaluation says so and an action asks for it.
    for agreement in dprd:
        assert agreement.evaluations.filter(findings__contains="persetujuan DPRD").exists()
        assert FollowUpAction.objects.filter(evaluation__agreement=agreement, description__contains="DPRD").exists()


def test_most_running_agreements_are_healthy_and_a_minority_is_dormant(demo, db, day):
    flags = health.evaluate(day)
    flagged = {flag.agreement_id for flag in flags}
    found = scores.scores(day)
    running = set(live_in_force(day).values_list("pk", flat=True))
    healthy = {pk for pk in running if pk in found and found[pk].score >= 50 and pk not in flagged}
    assert healthy
    assert demo["summary"].healthy == len(healthy)
    dormant = {flag.agreement_id for flag in flags if flag.rule == "dormant"}
    assert len(healthy) > len(running) / 2  # most are carried out...
    assert 0 < len(dormant) < len(running) / 5  # ...and a visible minority only signed
    implemented = sum(1 for pk in running if pk in found and found[pk].implemented)
    assert implemented > len(running) / 2


# The anchored agreements ----------------------------------------------------------------------------


def test_gratispol_indicators_target_the_reported_intake(demo, db, day):
    gratispol = Agreement.objects.filter(title__startswith="Perjanjian Kerja Sama Pembiayaan UKT Program Gratispol")
    reported = dict(GRATISPOL_NEW_STUDENTS)
    paid = Decimal(0)
    for short, students in reported.items():
        agreement = gratispol.with_party(pihak(short)).get()
        indicators = {indicator.name: indicator for indicator in agreement.indicators.all()}
        intake, ukt = indicators["Mahasiswa baru penerima Gratispol"], indicators["UKT dibayarkan"]
        assert (intake.unit, intake.target) == ("orang", Decimal(students))
        assert (ukt.unit, ukt.target) == ("Rp", Decimal(students * 5_000_000))
        counts = list(intake.values.order_by("period_start").values_list("value", flat=True))
        assert counts and counts == sorted(counts) and counts[-1] <= intake.target  # approaching the target
        paid += sum(ukt.values.values_list("value", flat=True))
    assert 0 < paid <= Decimal("44150000000")  # within the Rp44.15 bn reported as disbursed by Nov 2025


@pytest.mark.parametrize(("areas", "name"), [(("64.02.13", "64.02.20"), "Samboja"), (("64.02.04",), "Anggana")])
def test_samboja_and_anggana_services_count_their_residents(demo, db, day, areas, name):
    adminduk = Agreement.objects.filter(urusan__code="2.12", service_areas__code__in=areas).distinct().get()
    indicator = adminduk.indicators.get(name__startswith="Dokumen kependudukan diterbitkan bagi penduduk")
    assert name in indicator.name and indicator.unit == "dokumen"
    assert indicator.values.filter(recorded_on__lte=day, value__gt=0).exists()
    assert adminduk.activities.filter(last_progress_on__gte=adminduk.start_on).exists()
    assert (adminduk.pk, "no_workplan") not in pairs(health.evaluate(day))


# Synthetic, and never after the reference date ----------------------------------------------------


def test_every_monitoring_row_is_synthetic_and_hangs_on_demo_agreements(demo, db):
    demo_ids = demo_agreements().values("pk")
    for model in (Activity, ImplementationReport, Indicator, Evaluation, ReportingSchedule, ReportingPeriod):
        assert model.objects.exists(), model
        assert not model.objects.exclude(agreement__in=demo_ids).exists(), model
    for model in (Activity, ImplementationReport, Indicator, Evaluation):
        assert not model.objects.exclude(source=Source.SINTETIS).exists(), model
    texts = {
        Activity: ("description",),
        ImplementationReport: ("summary", "achievements", "obstacles"),
        Indicator: ("description",),
        IndicatorValue: ("note",),
        Evaluation: ("findings",),
        FollowUpAction: ("description",),
    }
    for model, names in texts.items():
        assert model.objects.exists(), model
        for name in names:
            assert not model.objects.exclude(**{f"{name}__endswith": MARK}).exists(), (model, name)
    synthetic = Problem.objects.filter(source=Source.SINTETIS)
    assert synthetic.exists()
    assert not synthetic.exclude(title__endswith=MARK).exists()
    assert not synthetic.exclude(description__endswith=MARK).exists()
    assert not synthetic.exclude(source_note__contains=SYNTHETIC_NOTE).exists()
    assert set(Problem.objects.values_list("source", flat=True)) == {Source.SINTETIS, Source.REFERENSI}
    assert not FollowUpAction.objects.filter(problem__source=Source.REFERENSI).exists()


def test_no_evidence_of_life_after_the_reference_date(demo, db, day):
    later = Q()
    for name in ("last_progress_on", "actual_start", "actual_end"):
        later |= Q(**{f"{name}__gt": day})
    assert not Activity.objects.filter(later).exists()
    assert not ImplementationReport.objects.filter(submitted_on__gt=day).exists()
    assert not IndicatorValue.objects.filter(recorded_on__gt=day).exists()
    assert not Evaluation.objects.filter(evaluated_on__gt=day).exists()
    assert not FollowUpAction.objects.filter(done_on__gt=day).exists()
    assert not Problem.objects.filter(Q(opened_on__gt=day) | Q(resolved_on__gt=day)).exists()


def test_rows_pass_the_services_validation(demo, db):
    """Every 7th row of each kind, validated as if entered by the admin: no errors."""
    admin = Actor(role="admin")
    for activity in Activity.objects.select_related("agreement").order_by("pk")[::7]:
        data = services.ActivityData.from_instance(activity)
        assert services.validate_activity(data, activity.agreement, activity) == [], activity.title
    for report in ImplementationReport.objects.select_related("agreement").order_by("pk")[::7]:
        data = services.ReportData.from_instance(report)
        assert services.validate_report(data, report.agreement, admin, report) == [], report.summary
    for value in IndicatorValue.objects.select_related("indicator__agreement").order_by("pk")[::7]:
        data = services.IndicatorValueData.from_instance(value)
        assert services.validate_indicator_value(data, value.indicator, value) == []
    for evaluation in Evaluation.objects.select_related("agreement").order_by("pk"):
        data = services.EvaluationData.from_instance(evaluation)
        assert services.validate_evaluation(data, evaluation.agreement, admin) == [], evaluation.findings
    for action in FollowUpAction.objects.order_by("pk"):
        assert services.validate_action(services.ActionData.from_instance(action)) == [], action.description


def test_expected_reports_are_those_the_schedule_service_derives(demo, db):
    schedules = ReportingSchedule.objects.select_related("agreement").order_by("pk")
    assert schedules.exists()
    for schedule in schedules:
        refreshed = refresh_periods(schedule.agreement)
        assert (refreshed.created, refreshed.updated, refreshed.deleted) == (0, 0, 0), schedule.agreement.title


def test_work_plans_nest_with_weights(demo, db):
    nested = Activity.objects.filter(parent__isnull=False)
    assert nested.exists() and not nested.filter(weight__isnull=True).exists()
    assert not nested.exclude(agreement_id=F("parent__agreement_id")).exists()
    assert Activity.objects.filter(children__isnull=False).exclude(weight__isnull=True).exists()


# The "Perlu perhatian" page, the agreement page, the API and kerjasama check -------------------------


def page_pairs(client, **params) -> tuple[set[tuple[int, str]], str]:
    """Every (agreement, rule) row of the page over all its pages, and the first page's HTML."""
    found, first, number = set(), "", 1
    while True:
        response = client.get(PAGE, {**params, "page": number})
        assert response.status_code == 200
        html = response.content.decode()
        first = first or html
        found |= {(int(pk), rule) for rule, pk in ROW.findall(html)}
        if f"page={number + 1}" not in html:
            return found, first
        number += 1


def printed_pairs(output: str) -> set[tuple[int, str]]:
    """The (agreement, rule) pairs ``kerjasama check`` printed, read back through its number and title columns."""
    with translation.override(settings.LANGUAGE_CODE):  # the command prints in the site's language
        number_label, title_label, rule_label = (translation.gettext(text) for text in ("Number", "Title", "Rule"))
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(number_label) and title_label in line)
    title_at, rule_at = lines[start].index(title_label), lines[start].index(rule_label)
    infos = alerts.agreement_infos(Agreement.objects.values_list("pk", flat=True))
    keys: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, info in infos.items():
        keys[(_cut(info.number or f"#{pk}", 40), _cut(info.title, 60))].append(pk)
    found = set()
    for line in lines[start + 1 :]:
        rule = line[rule_at:].split(" ")[0] if len(line) > rule_at else ""
        if rule not in health.RULES:
            break
        key = (line[:title_at].strip(), line[title_at:rule_at].strip())
        assert len(keys[key]) == 1, key
        found.add((keys[key][0], rule))
    return found


def test_the_page_defaults_to_the_demo_day_and_lists_what_kerjasama_check_lists(demo, client, day):
    client.force_login(get_user_model().objects.get(username=DEMO_USERS[0][0]))  # the demo admin (Biro POD)
    shown, html = page_pairs(client)
    assert 'id="demo-date-notice"' in html
    with translation.override(settings.LANGUAGE_CODE):  # the page speaks the site language
        assert health.demo_notice(day) in html
    assert f"as_of={timezone.localdate().isoformat()}" in html
    expected = pairs(health.evaluate(day))
    assert shown == expected

    command = CheckCommand()
    out = io.StringIO()
    call_command(command, "--as-of", day.isoformat(), "--no-email", stdout=out)
    assert pairs(command.flags) == shown
    assert printed_pairs(out.getvalue()) == shown
    with translation.override(settings.LANGUAGE_CODE):
        assert health.demo_notice(day) in out.getvalue()  # the same notice


def test_the_link_shows_the_register_as_of_today(demo, client, day):
    client.force_login(get_user_model().objects.get(username=DEMO_USERS[0][0]))
    today = timezone.localdate()
    shown, html = page_pairs(client, as_of=today.isoformat(), rule="dormant")
    assert 'id="demo-date-notice"' not in html
    assert shown == pairs(health.evaluate(today, rules=["dormant"]))
    assert len(shown) > len(health.evaluate(day, rules=["dormant"]))  # a year on, the demo looks asleep


def test_kerjasama_check_keeps_today_and_points_to_the_demo_day(demo, db, day):
    command = CheckCommand()
    out = io.StringIO()
    call_command(command, "--no-email", stdout=out)
    assert pairs(command.flags) == pairs(health.evaluate(timezone.localdate()))
    assert f"--as-of {day.isoformat()}" in out.getvalue()


def flag_rules(html: str) -> set[str]:
    return set(re.findall(r'<li data-rule="(\w+)">', html))


def test_the_agreement_page_judges_its_flags_on_the_demo_day(demo, client, day):
    dormant = sorted(flag.agreement_id for flag in health.evaluate(day, rules=["dormant"]))
    agreement = Agreement.objects.get(pk=dormant[0])
    client.force_login(get_user_model().objects.get(username=DEMO_USERS[0][0]))
    html = client.get(f"/kerja-sama/{agreement.pk}/").content.decode()
    assert flag_rules(html) == {flag.rule for flag in health.flags_for(agreement, day)}
    with translation.override(settings.LANGUAGE_CODE):  # the page speaks the site language
        assert health.demo_notice(day) in html
    today = timezone.localdate()
    html = client.get(f"/kerja-sama/{agreement.pk}/", {"as_of": today.isoformat()}).content.decode()
    assert set(re.findall(r'<li data-rule="(\w+)">', html)) == {
        flag.rule for flag in health.flags_for(agreement, today)
    }
    assert health.demo_notice(day) not in html


def test_the_health_api_defaults_to_the_demo_day(demo, db, day):
    client = APIClient()
    client.force_login(get_user_model().objects.get(username=DEMO_USERS[0][0]))
    body = client.get("/api/health/flags/", {"page_size": 1}).json()
    assert body["count"] == len(health.evaluate(day))
    rollup = client.get("/api/health/rollups/", {"by": "region"}).json()
    assert rollup["as_of"] == day.isoformat()


def test_one_real_agreement_brings_the_default_back_to_today(demo, client, day):
    assert health.default_as_of() == health.DefaultDay(day, demo=True)
    make_agreement(title="PKS nyata yang baru didaftarkan", source=Source.INPUT)
    assert health.default_as_of() == health.DefaultDay(timezone.localdate(), demo=False)
    client.force_login(get_user_model().objects.get(username=DEMO_USERS[0][0]))
    html = client.get(PAGE).content.decode()
    assert 'id="demo-date-notice"' not in html


# Determinism and the command -----------------------------------------------------------------------


def canonical_dump() -> list[str]:
    """Every demo agreement and monitoring row in a stable order, agreements named by title and numbers (no ids)."""
    keys = {}
    for agreement in Agreement.objects.prefetch_related("parties"):
        keys[agreement.pk] = f"{agreement.title}|{agreement.signed_on}|{'/'.join(agreement.numbers())}"
    rows = [
        json.dumps([keys[pk], note, required], ensure_ascii=False)
        for pk, note, required in Agreement.objects.values_list("pk", "source_note", "dprd_approval_required")
    ]

    def dump(queryset, *names, key="agreement_id"):
        for values in queryset.values(key, *names):
            values[key] = keys.get(values[key], values[key])
            rows.append(json.dumps(values, default=str, sort_keys=True, ensure_ascii=False))

    dump(
        Activity.objects.all(),
        "title",
        "parent__title",
        "status",
        "progress",
        "weight",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "last_progress_on",
        "pihak_id",
        "order",
        "description",
    )
    dump(ReportingSchedule.objects.all(), "frequency", "first_period_start", "due_days", "parties")
    dump(ReportingPeriod.objects.all(), "pihak_id", "period_start", "period_end", "due_on")
    dump(ImplementationReport.objects.all(), "pihak_id", "period_start", "submitted_on", "summary", "status")
    dump(Indicator.objects.all(), "name", "unit", "target", "baseline", "aggregation")
    dump(
        IndicatorValue.objects.all(),
        "indicator__name",
        "period_start",
        "value",
        "recorded_on",
        key="indicator__agreement_id",
    )
    dump(Evaluation.objects.all(), "evaluated_on", "evaluator_kind", "score", "recommendation", "findings")
    dump(
        FollowUpAction.objects.all(),
        "description",
        "due_on",
        "status",
        "done_on",
        "problem__title",
        key="evaluation__agreement_id",
    )
    dump(Problem.agreements.through.objects.all(), "problem__title", "problem__severity", "problem__opened_on")
    return sorted(rows)  # fmt: skip


def test_same_seed_same_monitoring_other_seed_other_monitoring(demo, db):
    first = canonical_dump()
    build_demo()
    build_demo_monitoring()
    assert canonical_dump() == first
    assert Problem.objects.filter(source=Source.SINTETIS).count() == demo["summary"].problems
    build_demo(seed=7)
    other = build_demo_monitoring(seed=7)
    assert canonical_dump() != first
    assert set(other.flags) == set(health.RULES)


def test_the_demo_command_builds_the_monitoring_too(demo, db):
    out = io.StringIO()
    call_command("demo", stdout=out)
    summary = demo["summary"]
    assert Activity.objects.count() == summary.activities
    assert Problem.objects.filter(source=Source.SINTETIS).count() == summary.problems
    text = out.getvalue()
    assert str(summary.activities) in text and str(summary.healthy) in text
