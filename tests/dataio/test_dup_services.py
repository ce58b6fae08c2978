"""Match rules, flagging new contacts, the scan, dismissing, and the review queue's visibility."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inyeon.core.models import AuditLog
from inyeon.dataio.duplicates import selectors, services
from inyeon.dataio.models import CandidateStatus, DuplicateCandidate, DuplicateScan, JobStatus
from tests.conftest import Personas
from tests.dataio.dup_helpers import kims, make, stranger

pytestmark = pytest.mark.django_db


def pairs() -> set[tuple[int, int]]:
    return set(DuplicateCandidate.objects.values_list("first_id", "second_id"))


def test_flagging_finds_kim_minsu_in_every_writing(people: Personas) -> None:
    a, b, c = kims(people.alice)
    stranger(people.alice)
    assert services.duplicates_flag(contact_ids=[a.pk, b.pk, c.pk]) == 3
    assert pairs() == {(a.pk, b.pk), (a.pk, c.pk), (b.pk, c.pk)}
    row = DuplicateCandidate.objects.get(first=a, second=c)
    assert row.score == 90 and row.reasons == ["name", "birth_date"]


def test_flagging_one_new_contact_compares_it_with_the_whole_base(people: Personas) -> None:
    old = make(people.bob, display_name="이영희", emails=["yh@example.kr"])
    new = make(people.alice, display_name="Someone Else", emails=["YH@example.kr"], birth_date="2000-01-01")
    assert services.duplicates_flag(contact_ids=[new.pk]) == 1
    row = DuplicateCandidate.objects.get()
    assert (row.first_id, row.second_id, row.score, row.reasons) == (old.pk, new.pk, 100, ["email"])


def test_flagging_keeps_a_dismissed_pair_dismissed(people: Personas) -> None:
    a, b, _ = kims(people.alice)
    services.duplicates_flag(contact_ids=[b.pk])
    services.candidate_dismiss(
        candidate=DuplicateCandidate.objects.get(first=a, second=b), actor=people.carol
    )
    services.duplicates_flag(contact_ids=[a.pk, b.pk])
    assert DuplicateCandidate.objects.get(first=a, second=b).status == CandidateStatus.DISMISSED


def test_rules_change_what_is_found(people: Personas) -> None:
    _a, b, _ = kims(people.alice)
    services.match_rules_update(actor=people.root, data={"fuzzy_enabled": False})
    assert services.duplicates_flag(contact_ids=[b.pk]) == 0
    services.match_rules_update(actor=people.root, data={"fuzzy_enabled": True, "fuzzy_threshold": 95})
    assert services.duplicates_flag(contact_ids=[b.pk]) == 0
    services.match_rules_update(actor=people.root, data={"fuzzy_threshold": 90})
    assert services.duplicates_flag(contact_ids=[b.pk]) == 2


def test_only_an_admin_edits_the_rules(people: Personas) -> None:
    for user in (people.carol, people.alice, people.erin):
        with pytest.raises(PermissionDenied):
            services.match_rules_update(actor=user, data={"exact_phone": False})
    services.match_rules_update(actor=people.root, data={"exact_phone": False})
    assert services.match_rules().exact_phone is False
    assert AuditLog.objects.filter(entity="match_rules", changes__exact_phone=[True, False]).exists()


def test_bad_rules_are_refused_naming_each_field(people: Personas) -> None:
    with pytest.raises(ValidationError) as caught:
        services.match_rules_update(
            actor=people.root, data={"fuzzy_threshold": 20, "exact_email": "yes", "colour": True}
        )
    assert set(caught.value.message_dict) == {"fuzzy_threshold", "exact_email", "colour"}
    assert services.match_rules().fuzzy_threshold == 85


def test_the_scan_finds_the_pairs_and_records_its_progress(people: Personas) -> None:
    a, b, c = kims(people.alice)
    stranger(people.bob)
    scan = DuplicateScan.objects.create(requested_by=people.root)
    scan = services.duplicate_scan_execute(scan)
    assert (scan.status, scan.progress, scan.contacts_checked, scan.candidates_found) == (
        JobStatus.DONE,
        1.0,
        4,
        3,
    )
    assert pairs() == {(a.pk, b.pk), (a.pk, c.pk), (b.pk, c.pk)}


def test_the_scan_drops_open_pairs_the_rules_no_longer_find_but_keeps_dismissed_ones(
    people: Personas,
) -> None:
    a, b, c = kims(people.alice)
    services.duplicates_flag(contact_ids=[a.pk, b.pk, c.pk])
    services.candidate_dismiss(candidate=DuplicateCandidate.objects.get(first=a, second=b), actor=people.root)
    services.match_rules_update(actor=people.root, data={"fuzzy_enabled": False})
    services.duplicate_scan_execute(DuplicateScan.objects.create())
    assert pairs() == {(a.pk, b.pk)}


def test_the_queue_shows_a_pair_only_to_whom_may_see_both_contacts(people: Personas) -> None:
    _a, b, _ = kims(people.alice)
    services.duplicates_flag(contact_ids=[b.pk])
    assert selectors.candidates_visible(people.carol).count() == 2  # alice's manager
    assert selectors.candidates_visible(people.root).count() == 2
    assert selectors.candidates_visible(people.oscar).count() == 0  # the outsider
    assert selectors.candidates_visible(people.alice).count() == 0  # a rep does not review


def test_the_queue_leaves_out_a_pair_with_one_contact_out_of_reach(people: Personas) -> None:
    mine = make(people.carol, display_name="최유리", emails=["yuri@example.kr"], birth_date="1999-09-09")
    busan = make(people.oscar, display_name="최유리", emails=["yuri@example.kr"], birth_date="1999-09-09")
    services.duplicates_flag(contact_ids=[busan.pk])
    assert DuplicateCandidate.objects.filter(first=mine, second=busan).exists()
    assert selectors.candidates_visible(people.carol).count() == 0
    assert selectors.possible_duplicates(user=people.carol, contact=mine) == []


def test_differing_fields_are_listed_side_by_side(people: Personas) -> None:
    a, b, _ = kims(people.alice)
    names = [d.name for d in selectors.differing_fields(a, b, people.carol)]
    assert "display_name" in names and "primary_email" in names and "primary_phone" in names
    assert "birth_date" not in names


def test_a_rep_may_not_dismiss(people: Personas) -> None:
    a, b, _ = kims(people.alice)
    services.duplicates_flag(contact_ids=[b.pk])
    with pytest.raises(PermissionDenied):
        services.candidate_dismiss(
            candidate=DuplicateCandidate.objects.get(first=a, second=b), actor=people.alice
        )


@pytest.mark.django_db(transaction=True)  # the worker closes its connections when it finishes
def test_the_worker_runs_a_requested_scan(people: Personas) -> None:
    import io

    from django.core.management import call_command

    kims(people.alice)
    scan = services.duplicate_scan_request(actor=people.carol)
    call_command("db_worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())
    scan.refresh_from_db()
    assert (scan.status, scan.candidates_found) == (JobStatus.DONE, 3), scan.message
    assert AuditLog.objects.filter(entity="duplicate_scan", entity_id=str(scan.pk)).exists()


def test_a_large_import_is_flagged_in_chunks(people: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "FLAG_CHUNK", 1)
    a, b, c = kims(people.alice)
    assert services.duplicates_flag(contact_ids=[a.pk, b.pk, c.pk]) == 3
    assert pairs() == {(a.pk, b.pk), (a.pk, c.pk), (b.pk, c.pk)}
    DuplicateCandidate.objects.all().delete()
    monkeypatch.setattr(services, "FLAG_FULL_READ", 2)
    assert services.duplicates_flag(contact_ids=[b.pk, c.pk]) == 3
