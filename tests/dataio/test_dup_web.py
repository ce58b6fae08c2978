"""The duplicates pages, driven through their forms (no JavaScript)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inyeon.customers.models import Contact
from inyeon.dataio.duplicates import services
from inyeon.dataio.models import CandidateStatus, DuplicateCandidate, DuplicateScan, MatchRules, MergeRecord
from tests.conftest import Personas, login
from tests.dataio.dup_helpers import BIRTH, kims, make

pytestmark = pytest.mark.django_db


def test_creating_a_contact_in_the_web_flags_its_duplicates(people: Personas) -> None:
    first = make(people.alice, display_name="김민수")
    client = login(people.alice)
    response = client.post(
        reverse("web:contact_create"),
        {"display_name": "김 민수", "birth_date": BIRTH, "lifecycle_stage": "prospect", "language": "ko"},
        follow=True,
    )
    new = Contact.objects.exclude(pk=first.pk).get()
    assert DuplicateCandidate.objects.filter(first=first, second=new).exists()
    html = response.content.decode()
    assert "Possible duplicates" in html or "중복" in html
    assert reverse("web:contact", args=[first.pk]) in html


def test_the_nav_link_is_for_reviewers_only(people: Personas) -> None:
    url = reverse("web:duplicates")
    assert url in login(people.carol).get(reverse("web:home")).content.decode()
    assert url not in login(people.alice).get(reverse("web:home")).content.decode()
    assert login(people.alice).get(url).status_code == 403


def test_the_queue_shows_pairs_side_by_side_only_within_reach(people: Personas) -> None:
    a, b, c = kims(people.alice)
    services.duplicates_flag(contact_ids=[a.pk, b.pk, c.pk])
    html = login(people.carol).get(reverse("web:duplicates")).content.decode()
    assert "Kim Minsu" in html and "minsu@example.kr" in html
    people.oscar.role = "manager"
    people.oscar.save()
    assert "Kim Minsu" not in login(people.oscar).get(reverse("web:duplicates")).content.decode()


def test_merging_through_the_form_chooses_fields_and_undo_restores(people: Personas) -> None:
    a, b, _ = kims(people.alice)
    services.duplicates_flag(contact_ids=[b.pk])
    pair = DuplicateCandidate.objects.get(first=a, second=b)
    client = login(people.carol)
    page = client.get(reverse("web:duplicate_merge", args=[pair.pk]))
    assert 'name="choice_primary_phone"' in page.content.decode()
    response = client.post(
        reverse("web:duplicate_merge", args=[pair.pk]), {"survivor": a.pk, "choice_primary_phone": "merged"}
    )
    assert response.status_code == 302
    assert Contact.objects.get(pk=a.pk).primary_phone == "+821022223333"
    record = MergeRecord.objects.get()
    undo_url = reverse("web:duplicate_undo", args=[record.pk])
    assert undo_url in client.get(reverse("web:duplicate_history")).content.decode()
    client.post(undo_url)
    assert Contact.objects.get(pk=b.pk).display_name == "김 민수"
    assert Contact.objects.get(pk=a.pk).primary_phone == ""


def test_the_other_contact_can_be_kept_instead(people: Personas) -> None:
    a, b, _ = kims(people.alice)
    services.duplicates_flag(contact_ids=[b.pk])
    pair = DuplicateCandidate.objects.get(first=a, second=b)
    login(people.carol).post(reverse("web:duplicate_merge", args=[pair.pk]), {"survivor": b.pk})
    assert Contact.objects.filter(pk=b.pk).exists() and not Contact.objects.filter(pk=a.pk).exists()


def test_dismissing_takes_a_pair_out_of_the_queue(people: Personas) -> None:
    a, b, _ = kims(people.alice)
    services.duplicates_flag(contact_ids=[b.pk])
    pair = DuplicateCandidate.objects.get(first=a, second=b)
    login(people.carol).post(reverse("web:duplicate_dismiss", args=[pair.pk]))
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.DISMISSED and pair.resolved_by == people.carol


def test_the_rules_form_is_for_admins_and_names_bad_fields(people: Personas) -> None:
    url = reverse("web:duplicate_rules")
    assert login(people.carol).get(url).status_code == 403
    client = login(people.root)
    bad = client.post(url, {"exact_email": "on", "fuzzy_enabled": "on", "fuzzy_threshold": "7"})
    assert "fuzzy_threshold" in bad.context["form"].errors
    client.post(url, {"exact_email": "on", "fuzzy_enabled": "on", "fuzzy_threshold": "90"})
    rules = MatchRules.objects.get(pk=1)
    assert (rules.exact_phone, rules.fuzzy_threshold) == (False, 90)


def test_a_scan_is_started_and_its_page_refreshes_itself(people: Personas) -> None:
    client = login(people.carol)
    response = client.post(reverse("web:duplicate_scan_start"))
    scan = DuplicateScan.objects.get()
    assert response["Location"] == reverse("web:duplicate_scan", args=[scan.pk])
    assert 'http-equiv="refresh"' in client.get(response["Location"]).content.decode()
