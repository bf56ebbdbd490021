import datetime as dt

import pytest

from kerjasama.agreements import lifecycle
from kerjasama.agreements.choices import Stage
from kerjasama.agreements.lifecycle import FINAL, TRANSITIONS, TransitionError, transition
from kerjasama.agreements.models import Agreement
from kerjasama.core.models import ObjectChange
from tests.builders import make_agreement

pytestmark = pytest.mark.django_db


def test_rules_are_consistent():
    pairs = [(rule.source, rule.target) for rule in TRANSITIONS]
    assert len(pairs) == len(set(pairs)), "a move is defined twice"
    assert not [rule for rule in TRANSITIONS if rule.source in FINAL], "final stages have no way out"
    reachable = {Stage.PERSIAPAN} | {rule.target for rule in TRANSITIONS}
    assert reachable == set(Stage.values), "every stage can be reached"


def test_a_path_from_preparation_to_completion(admin_user):
    agreement = make_agreement(stage=Stage.PERSIAPAN, signed_on=None, start_on=None, user=admin_user)
    for target in (Stage.PENAWARAN, Stage.KESEPAKATAN_BERSAMA, Stage.PENANDATANGANAN):
        transition(agreement, target, user=admin_user, note=f"ke {target}")
    record = transition(agreement, Stage.PELAKSANAAN, user=admin_user, on_date=dt.date(2025, 5, 2))
    agreement.refresh_from_db()
    assert agreement.signed_on == dt.date(2025, 5, 2) and agreement.start_on == dt.date(2025, 5, 2)
    assert record.user == admin_user and record.from_stage == Stage.PENANDATANGANAN
    transition(agreement, Stage.SELESAI, user=admin_user)
    stages = list(agreement.transitions.values_list("to_stage", flat=True))
    assert stages == ["persiapan", "penawaran", "kesepakatan_bersama", "penandatanganan", "pelaksanaan", "selesai"]
    assert ObjectChange.objects.filter(action="transition", changed_object_id=str(agreement.pk)).count() == 5


def test_moves_not_in_the_table_are_refused(admin_user):
    agreement = make_agreement(user=admin_user)  # pelaksanaan
    with pytest.raises(TransitionError, match="cannot move"):
        transition(agreement, Stage.PENAWARAN, user=admin_user)
    agreement.refresh_from_db()
    assert agreement.stage == Stage.PELAKSANAAN


def test_signing_needs_a_date_and_dprd_approval_its_reference(admin_user):
    agreement = make_agreement(
        stage=Stage.PENANDATANGANAN, signed_on=None, user=admin_user, dprd_approval_required=True
    )
    with pytest.raises(TransitionError) as caught:
        transition(agreement, Stage.PELAKSANAAN, user=admin_user)
    assert len(caught.value.messages) == 2  # no signing date, no DPRD reference
    Agreement.objects.filter(pk=agreement.pk).update(dprd_approval_reference="Keputusan DPRD 12/2025")
    transition(agreement, Stage.PELAKSANAAN, user=admin_user, on_date=dt.date(2025, 6, 1))
    agreement.refresh_from_db()
    assert agreement.stage == Stage.PELAKSANAAN


def test_termination_is_admin_only_needs_a_reason_and_ends_validity(admin_user, kukar_operator):
    agreement = make_agreement(parties=("Kukar", "Kota Balikpapan"), user=admin_user)
    with pytest.raises(TransitionError, match="role"):
        transition(agreement, Stage.DIAKHIRI, user=kukar_operator, note="alasan")
    with pytest.raises(TransitionError, match="reason"):
        transition(agreement, Stage.DIAKHIRI, user=admin_user)
    transition(agreement, Stage.DIAKHIRI, user=admin_user, note="Disepakati berakhir", on_date=dt.date(2025, 9, 30))
    agreement.refresh_from_db()
    assert agreement.terminated_on == dt.date(2025, 9, 30)
    assert agreement.validity_on(dt.date(2025, 10, 1)) == "kedaluwarsa"
    assert agreement.validity_on(dt.date(2025, 9, 30)) == "akan_berakhir"


def test_operator_moves_only_agreements_of_its_party(kukar_operator, balikpapan_operator, admin_user):
    agreement = make_agreement(parties=("Kukar", "Kota Samarinda"), user=admin_user)
    with pytest.raises(TransitionError, match="may not change"):
        transition(agreement, Stage.EVALUASI, user=balikpapan_operator)
    transition(agreement, Stage.EVALUASI, user=kukar_operator)
    agreement.refresh_from_db()
    assert agreement.stage == Stage.EVALUASI


def test_extension_needs_the_new_agreement_linked(admin_user):
    old = make_agreement(user=admin_user)
    with pytest.raises(TransitionError, match="extending"):
        transition(old, Stage.DIPERPANJANG, user=admin_user)
    make_agreement(
        user=admin_user,
        amends_id=old.pk,
        change_kind="perpanjangan",
        signed_on=dt.date(2027, 2, 1),
        end_on=dt.date(2030, 1, 31),
    )
    transition(old, Stage.DIPERPANJANG, user=admin_user)
    old.refresh_from_db()
    assert old.stage == Stage.DIPERPANJANG


def test_available_lists_blocked_moves_with_reasons(admin_user):
    agreement = make_agreement(stage=Stage.PENANDATANGANAN, signed_on=None, user=admin_user)
    moves = {rule.target: reasons for rule, reasons in lifecycle.available(agreement, admin_user)}
    assert moves[Stage.PELAKSANAAN]  # blocked: no signing date yet
    assert moves[Stage.DITOLAK] == []
