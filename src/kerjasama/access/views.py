"""Web pages of service access: "Layanan terdekat" (public) and "Peta celah layanan" (officials).

Thin: the answers come from :func:`kerjasama.access.nearest.find_nearest` and
:func:`kerjasama.access.gaps.find_gaps`, the same functions the API and the CLI call. The maps are
drawn by js/access-maps.js with Leaflet (from the django-leaflet package, served locally) over the
bundled boundaries this module serves as GeoJSON; no tile server is used.
"""

import hashlib
import json
import threading
from collections import defaultdict

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from kerjasama.access.choices import Basis
from kerjasama.access.forms import DEFAULT_SERVICE, GapsForm, NearestForm
from kerjasama.access.gaps import find_gaps
from kerjasama.access.geo import region_index
from kerjasama.access.models import ServicePoint
from kerjasama.access.nearest import NearestAnswer, OriginError, UnknownService, find_nearest
from kerjasama.access.places import place_index
from kerjasama.access.templatetags.access_ui import km as distance_label
from kerjasama.agreements.demo import reference_date
from kerjasama.agreements.models import Agreement
from kerjasama.core.choices import Source
from kerjasama.core.querysets import VIEW
from kerjasama.regions.choices import RegionLevel
from kerjasama.regions.models import RegionBoundary, ServiceType

SUGGESTIONS = 10
# Boundaries change only with `kerjasama setup`: browsers may keep them a day and then revalidate (ETag).
BOUNDARY_MAX_AGE = 24 * 3600
BOUNDARY_LEVELS = {
    "provinsi": (RegionLevel.PROVINSI,),
    "kabkota": (RegionLevel.KABUPATEN, RegionLevel.KOTA),
    "kecamatan": (RegionLevel.KECAMATAN,),
}


def demo_only() -> bool:
    """Whether every agreement that is not archived is synthetic demo data (and there is at least one)."""
    current = Agreement.objects.filter(archived_at__isnull=True)
    return current.exists() and not current.exclude(source=Source.SINTETIS).exists()


def _demo_context(request, page: str) -> dict:
    """The notice of a demo-only register: its agreements run on their own dates, so the day matters."""
    if not demo_only():
        return {}
    day = reference_date()
    query = request.GET.copy()
    query["tanggal"] = day.isoformat()
    return {
        "demo_day": day,
        "demo_day_url": f"{reverse(page)}?{query.urlencode()}",
    }


# Boundaries ----------------------------------------------------------------------------------------

_boundaries: dict[str, tuple[int, str, bytes]] = {}
_boundaries_lock = threading.Lock()


def boundary_collection(level: str) -> tuple[str, bytes]:
    """The bundled boundaries of one level as GeoJSON bytes and their ETag, kept per process.

    The cache is checked against the number of boundaries (one cheap query): they change only when
    ``kerjasama setup`` loads them.
    """
    count = RegionBoundary.objects.count()
    with _boundaries_lock:
        cached = _boundaries.get(level)
        if cached is not None and cached[0] == count:
            return cached[1], cached[2]
    rows = (
        RegionBoundary.objects.filter(region__level__in=BOUNDARY_LEVELS[level])
        .order_by("region_id")
        .values_list("region_id", "region__name", "geometry")
    )
    names = region_index().names
    features = []
    for code, name, geometry in rows:
        properties = {"code": code, "name": name}
        if level == "kecamatan":
            properties["kabkota"] = names.get(code[:5], code[:5])
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")).encode()
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    with _boundaries_lock:
        _boundaries[level] = (count, tag, body)
    return tag, body


def clear_boundary_cache() -> None:
    """Forget the cached boundary collections (tests)."""
    with _boundaries_lock:
        _boundaries.clear()


class BoundaryView(View):
    """Kaltim's kabupaten/kota (``?level=kabkota``), kecamatan or province boundary as GeoJSON, for the maps.

    Public (the boundaries are bundled open data), cached by the browser with an ETag.
    """

    def get(self, request):
        level = request.GET.get("level", "kabkota")
        if level not in BOUNDARY_LEVELS:
            message = _("Unknown level “%(level)s”: use %(levels)s.") % {
                "level": level,
                "levels": ", ".join(BOUNDARY_LEVELS),
            }
            return JsonResponse({"level": [message]}, status=400)
        tag, body = boundary_collection(level)
        headers = {"ETag": tag, "Cache-Control": f"public, max-age={BOUNDARY_MAX_AGE}"}
        if tag in [value.strip() for value in request.headers.get("If-None-Match", "").split(",")]:
            return HttpResponseNotModified(headers=headers)
        return HttpResponse(body, content_type="application/geo+json", headers=headers)


# Suggestions -----------------------------------------------------------------------------------------


class PlaceSuggestView(View):
    """Kaltim kecamatan and desa/kelurahan matching ``?q=`` (at least two characters), as JSON.

    Each result has ``code``, ``level``, ``name`` and ``label`` ("Desa Sungai Meriam — Kec. Anggana,
    Kab. Kutai Kartanegara"); the label typed into the page's form resolves to the same place.
    """

    def get(self, request):
        text = request.GET.get("q", "").strip()[:100]
        places = place_index().search(text, limit=SUGGESTIONS) if len(text) >= 2 else []
        response = JsonResponse({"query": text, "results": [place.to_dict() for place in places]})
        response["Cache-Control"] = "public, max-age=300"
        return response


# Layanan terdekat ----------------------------------------------------------------------------------


def _highlight(code: str) -> dict | None:
    """The resident's desa (or kecamatan) polygon as a GeoJSON Feature, when a boundary is bundled."""
    codes = [code, code[:8]] if len(code) > 8 else [code]
    boundaries = dict(RegionBoundary.objects.filter(region_id__in=codes).values_list("region_id", "geometry"))
    for candidate in codes:
        if candidate in boundaries:
            return {
                "type": "Feature",
                "geometry": boundaries[candidate],
                "properties": {"code": candidate, "name": region_index().label(candidate)},
            }
    return None


def _map_data(answer: NearestAnswer) -> dict:
    """What js/access-maps.js draws: the answer's points and lines, the resident's area, and the words."""
    points = answer.to_geojson()
    for feature in points["features"]:
        # The map labels say the distances exactly as the text of the page does.
        distance = feature["properties"].get("distance_km")
        if distance is not None:
            feature["properties"]["distance_label"] = distance_label(distance)
    return {
        "points": points,
        "highlight": _highlight(answer.origin.code),
        "words": {
            "origin": _("Place of residence"),
            "nearest": _("Nearest point you may use"),
            "home": _("Nearest point of your own region"),
            "overall": _("Nearest point of any region"),
            "approximate": _("approximate location (lokasi perkiraan)"),
        },
    }


class NearestPageView(View):
    """Layanan terdekat: the nearest point of a service a resident may use on a day, as text and on a map."""

    template_name = "access/nearest.html"

    def get(self, request):
        today = timezone.localdate()
        asked = "wilayah" in request.GET or "kode" in request.GET
        data = request.GET.copy() if asked else None
        form = NearestForm(data, code=request.GET.get("kode", ""), initial=_initial(request, today))
        answer = None
        if asked and form.is_valid():
            place = form.place
            where = {"kecamatan": place.code} if place.is_kecamatan else {"desa": place.code}
            try:
                answer = find_nearest(form.cleaned_data["layanan"], form.day(), request.user, **where)
            except (OriginError, UnknownService) as exc:
                form.add_error(None, str(exc))
            else:
                # The field shows the place that was answered for, in the form a suggestion gives it.
                data["wilayah"] = place.label
                data["tanggal"] = form.day().isoformat()
                data.pop("kode", None)
        context = {
            "form": form,
            "asked": asked,
            "answer": answer,
            "choices": form.resolution.choices if asked else [],
            "choice_query": _choice_query(request),
            "today": today,
            **_demo_context(request, "access-nearest-page"),
        }
        if answer is not None:
            context.update(_answer_context(answer, request.user))
        return render(request, self.template_name, context)


def _initial(request, today) -> dict:
    """Service and day for the empty form: the defaults, or those of a link (the demo notice's date)."""
    initial = {"layanan": DEFAULT_SERVICE, "tanggal": today}
    service = request.GET.get("layanan", "")
    if service and ServiceType.objects.filter(code=service).exists():
        initial["layanan"] = service
    try:
        day = parse_date(request.GET.get("tanggal", ""))
    except ValueError:  # a well-formed but impossible date
        day = None
    if day is not None:
        initial["tanggal"] = day
    return initial


def _choice_query(request) -> str:
    """The query string of the question without the place, for the links of an ambiguity list."""
    query = request.GET.copy()
    for key in ("wilayah", "kode"):
        query.pop(key, None)
    return query.urlencode()


def _answer_context(answer: NearestAnswer, user) -> dict:
    reaches = [reach for reach in (answer.nearest, answer.home, answer.overall) if reach is not None]
    agreement = None
    reference = answer.nearest.agreement if answer.nearest is not None else None
    if reference is not None and reference.id is not None:
        agreement = Agreement.objects.restrict(user, VIEW).filter(pk=reference.id).first()
    overall = answer.overall
    return {
        "agreement": agreement,
        "by_agreement": answer.nearest is not None and answer.nearest.basis == Basis.AGREEMENT,
        "show_home": answer.home is not None
        and answer.nearest is not None
        and answer.home.point.id != answer.nearest.point.id,
        # The nearest point of any operator, when the resident may not use it: the gap an agreement would fill.
        "show_overall": overall is not None
        and not overall.eligible
        and (answer.nearest is None or overall.point.id != answer.nearest.point.id),
        "approximate": any(reach.point.is_approximate for reach in reaches),
        "map_data": _map_data(answer),
    }


# Peta celah layanan --------------------------------------------------------------------------------


def _kecamatan_summary(report) -> dict[str, dict]:
    """Per kecamatan: desa with a gap, desa checked, estimated residents affected and km saved summed."""
    regions = region_index()
    summary: dict[str, dict] = defaultdict(lambda: {"gap": 0, "unserved": 0, "residents": 0.0, "saved": 0.0})
    for candidate in report.candidates:
        for desa in candidate.desa:
            row = summary[desa.kecamatan_code]
            row["gap"] += 1
            row["unserved"] += desa.eligible_km is None
            row["residents"] += desa.residents_estimate or 0.0
            row["saved"] += desa.saved_km or 0.0
    result = {}
    for code, row in summary.items():
        villages = regions.village_slice(code)
        result[code] = {
            "name": regions.names.get(code, code),
            "gap": row["gap"],
            "desa": villages.stop - villages.start,
            "unserved": row["unserved"],
            "residents": round(row["residents"]),
            "saved_label": distance_label(row["saved"]) if row["saved"] else "",
        }
    return result


def _gap_map_data(report, service: str) -> dict:
    """The gap map's data, kept light: desa as centre points (not polygons), kecamatan figures by code."""
    desa = []
    for candidate in report.candidates:
        for row in candidate.desa:
            desa.append(
                {
                    "lat": round(row.lat, 5),
                    "lon": round(row.lon, 5),
                    "name": row.name,
                    "kecamatan": row.kecamatan_name,
                    "rank": candidate.rank,
                    "provider": candidate.provider_name,
                    "nearest": row.nearest_point_name,
                    "nearest_label": distance_label(row.nearest_km),
                    "saved_km": None if row.saved_km is None else round(row.saved_km, 1),
                    "saved_label": "" if row.saved_km is None else distance_label(row.saved_km),
                }
            )
    # Every Kaltim point of the service, also outside the region analysed: a gap's nearest point often is.
    points = ServicePoint.objects.of_service(service).within("64").select_related("operator")
    return {
        "desa": desa,
        "kecamatan": _kecamatan_summary(report),
        "points": [
            {
                "lat": round(point.lat, 5),
                "lon": round(point.lon, 5),
                "name": point.name,
                "operator": point.operator.name,
                "approximate": point.is_approximate,
            }
            for point in points
        ],
        "words": {
            "gap_desa": _("desa with a gap"),
            "of": _("of"),
            "unserved": _("may use no point at all"),
            "saved": _("saved"),
            "nearest": _("nearest point"),
            "candidate": _("candidate"),
            "point": _("service point"),
            "approximate": _("approximate location (lokasi perkiraan)"),
        },
    }


class GapsPageView(LoginRequiredMixin, View):
    """Peta celah layanan: desa whose nearest point they may not use, on a map and as candidate agreements."""

    template_name = "access/gaps.html"

    def get(self, request):
        today = timezone.localdate()
        form = GapsForm(request.GET or None, initial={"layanan": DEFAULT_SERVICE, "tanggal": today, "wilayah": "64"})
        if form.is_bound:
            form.is_valid()
        values = form.values()
        error = ""
        report = None
        try:
            report = find_gaps(values["layanan"], values["tanggal"], values["wilayah"])
        except UnknownService as exc:
            error = str(exc)
        query = {"layanan": values["layanan"], "tanggal": values["tanggal"].isoformat(), "wilayah": values["wilayah"]}
        context = {
            "form": form,
            "report": report,
            "error": error,
            "day": values["tanggal"],
            "is_today": values["tanggal"] == today,
            "csv_url": f"{reverse('access-gaps')}?{urlencode({**query, 'format': 'csv'})}",
            "json_url": f"{reverse('access-gaps')}?{urlencode(query)}",
            **_demo_context(request, "access-gaps-page"),
        }
        if report is not None:
            context.update(
                map_data=_gap_map_data(report, values["layanan"]),
                unserved=sum(candidate.unserved_desa for candidate in report.candidates),
                approximate=ServicePoint.objects.of_service(values["layanan"]).filter(is_approximate=True).exists(),
                day_label=formats.date_format(values["tanggal"], "j F Y"),
            )
        return render(request, self.template_name, context)
