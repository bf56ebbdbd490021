import pytest

from kerjasama.monitoring.loaders import load_boundary_segments
from kerjasama.monitoring.models import Problem

pytestmark = pytest.mark.django_db


def test_six_unsettled_boundary_segments_are_real_open_problems():
    segments = Problem.objects.filter(source="referensi", problem_type="batas_wilayah")
    assert segments.count() == 6
    assert set(segments.values_list("status", flat=True)) == {"terbuka"}
    assert all(problem.source_note for problem in segments)
    kubar = segments.filter(related_regions__code="64.07")
    assert kubar.count() == 4  # three at the draft stage and Kutai Barat–Paser
    berau = segments.get(related_regions__code="64.03")
    assert set(berau.related_regions.values_list("code", flat=True)) == {"64.08", "64.03"}


def test_reloading_keeps_later_handling():
    problem = Problem.objects.get(title__contains="Paser – Kabupaten Penajam")
    problem.status = "ditangani"
    problem.escalation_level = "gubernur"
    problem.save()
    load_boundary_segments()
    problem.refresh_from_db()
    assert (problem.status, problem.escalation_level) == ("ditangani", "gubernur")
    assert Problem.objects.filter(source="referensi").count() == 6
