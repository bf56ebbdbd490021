"""Timed implementation monitoring: the health rules, the scores, a roll-up, the "Perlu perhatian" page and API.

Every measure judges the seeded register on :data:`bench.seed_monitoring.AS_OF` in Indonesian, the
interface's default language. The page and the API are requested through Django's test client as a
signed-in province admin (the page needs a login; an admin sees every agreement's flags), so both
go through every middleware, the filter form, pagination and rendering.
"""

import json
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import translation

from bench.measure import Result, repeat
from bench.seed_monitoring import AS_OF
from kerjasama.monitoring import health, scores
from kerjasama.users.choices import Role
from kerjasama.users.models import Profile

EVALUATE_TARGET_MS = 5000
BENCH_USER = "bench-admin"
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def admin_client() -> Client:
    """A test client signed in as a province admin made for the benchmark (idempotent)."""
    user, _created = get_user_model().objects.get_or_create(username=BENCH_USER, defaults={"is_superuser": True})
    Profile.objects.update_or_create(user=user, defaults={"role": Role.ADMIN, "pihak": None})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def _get(client: Client, path: str, query: dict) -> bytes:
    response = client.get(path, query)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
    return response.content


def measure(times: int, warmup: int = 1, log=print) -> tuple[list[Result], dict]:
    """The timed measures and what they returned (flag counts, score summary) for the report."""
    results = []
    with translation.override("id"):
        flags = health.evaluate(AS_OF)
        log(f"timing health.evaluate: {len(flags):,} flags")
        results.append(
            Result(
                "health: evaluate() over all agreements",
                repeat(lambda: health.evaluate(AS_OF), times, warmup),
                target_ms=EVALUATE_TARGET_MS,
                note=f"{len(flags):,} flags on {len({flag.agreement_id for flag in flags}):,} agreements",
            )
        )

        found = scores.scores(AS_OF)
        log(f"timing scores.scores: {len(found):,} scored agreements")
        results.append(
            Result(
                "health: scores of all agreements",
                repeat(lambda: scores.scores(AS_OF), times, warmup),
                note=f"{len(found):,} agreements scored",
            )
        )
        regions = scores.rollups("region", AS_OF)
        log("timing scores.rollups by region")
        results.append(
            Result(
                "health: roll-up by region",
                repeat(lambda: scores.rollups("region", AS_OF), times, warmup),
                note=f"{len(regions):,} regions",
            )
        )

    # The benchmark collects no static files, so the page links them without the manifest's hashed names.
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}):
        results += _requests(flags, times, warmup, log)
    with translation.override("en"):
        info = _info(flags, found, regions)
    return results, info


def _info(flags: list, found: dict, regions: list) -> dict:
    by_rule = Counter(flag.rule for flag in flags)
    by_severity = Counter(flag.severity for flag in flags)
    return {
        "as_of": AS_OF.isoformat(),
        "flags": len(flags),
        "flagged_agreements": len({flag.agreement_id for flag in flags}),
        "by_rule": {code: by_rule.get(code, 0) for code in health.RULES},
        "rule_labels": {code: str(rule.label) for code, rule in health.RULES.items()},
        "by_severity": {
            severity: by_severity.get(severity, 0) for severity in ("kritis", "tinggi", "sedang", "rendah")
        },
        "scored": len(found),
        "implemented": sum(1 for score in found.values() if score.implemented),
        "in_force": sum(1 for score in found.values() if score.in_force),
        "mean_score": round(sum(score.score for score in found.values()) / len(found), 1) if found else None,
        "regions": len(regions),
    }


def _requests(flags: list, times: int, warmup: int, log) -> list[Result]:
    """The "Perlu perhatian" page and the flags API, first page, as a signed-in admin."""
    results = []
    client = admin_client()
    query = {"as_of": AS_OF.isoformat()}
    page = _get(client, "/perlu-perhatian/", query)
    if b"data-table" not in page:
        raise RuntimeError("the Perlu perhatian page shows no table of flags")
    log("timing the Perlu perhatian page")
    results.append(
        Result(
            "page: Perlu perhatian, first page",
            repeat(lambda: _get(client, "/perlu-perhatian/", query), times, warmup),
            note="signed-in admin, page of 50",
        )
    )
    data = json.loads(_get(client, "/api/health/flags/", query))
    if data["count"] != len(flags):
        raise RuntimeError(f"the API counts {data['count']} flags, evaluate() {len(flags)}")
    log("timing GET /api/health/flags/")
    results.append(
        Result(
            "API: /api/health/flags/, first page",
            repeat(lambda: _get(client, "/api/health/flags/", query), times, warmup),
            note=f"signed-in admin, {data['count']:,} flags, page of {len(data['results'])}",
        )
    )

    return results
