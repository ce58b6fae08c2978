"""The lead pages: list (filters, masking, visibility, query cap), page (reasons, duplicates, history,
conversion), forms with field errors, settings for admins only, nav link."""

from __future__ import annotations

import pytest

from inyeon.core.models import AccessLog
from inyeon.leads.models import Lead, ScoringRule
from inyeon.leads.services import lead_activity_add, scoring_rule_create
from tests.conftest import Personas, login
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db


def test_the_list_shows_visible_leads_with_filters_and_masks_for_marketers(
    people: Personas, django_assert_max_num_queries: object
) -> None:
    mine = make_lead(people.alice, display_name="정다은", email="daeun@example.kr", source="event")
    make_lead(people.alice, display_name="한지민", email="jimin@example.kr", source="manual")
    theirs = make_lead(people.oscar, display_name="부산리드", email="busan@example.kr")
    client = login(people.alice)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        page = client.get("/leads/?source=event").content.decode()
    assert "정다은" in page and "한지민" not in page and "부산리드" not in page
    assert "daeun@example.kr" in page
    assert AccessLog.objects.filter(subject_type="lead", actor=people.alice, subject_ids=[mine.pk]).exists()
    masked = login(people.dave).get("/leads/").content.decode()
    assert "d•••@example.kr" in masked and "daeun@example.kr" not in masked
    assert client.get(f"/leads/{theirs.pk}/").status_code == 404
    assert client.get(f"/leads/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/leads/{theirs.pk}/convert/").status_code == 404
    assert 'href="/leads/"' in client.get("/").content.decode()


def test_the_lead_page_shows_score_reasons_duplicates_and_history(people: Personas) -> None:
    scoring_rule_create(
        data={"label": "Has e-mail", "field": "email", "operator": "present", "points": 5}, actor=people.root
    )
    first = make_lead(people.alice, display_name="오세훈", email="oh@example.kr")
    lead = make_lead(people.alice, display_name="오세훈", email="oh@example.kr")
    lead_activity_add(lead=lead, data={"kind": "call", "subject": "소개 통화"}, actor=people.alice)
    page = login(people.alice).get(f"/leads/{lead.pk}/").content.decode()
    assert "Has e-mail" in page and "+5" in page
    assert f'href="/leads/{first.pk}/"' in page
    assert "소개 통화" in page


def test_create_form_shows_field_errors_and_creates(people: Personas) -> None:
    client = login(people.alice)
    bad = client.post(
        "/leads/new/", {"display_name": "x", "email": "nope", "source": "manual", "status": "new"}
    )
    assert bad.status_code == 200 and "field-error" in bad.content.decode()
    assert not Lead.objects.exists()
    ok = client.post(
        "/leads/new/",
        {"display_name": "유재석", "email": "yu@example.kr", "source": "event", "status": "new"},
    )
    lead = Lead.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/leads/{lead.pk}/"
    assert lead.source == "event" and lead.owner == people.alice


def test_convert_from_the_page_goes_to_the_new_contact(people: Personas) -> None:
    lead = make_lead(people.alice, company="웹상사")
    response = login(people.alice).post(
        f"/leads/{lead.pk}/convert/", {"version": lead.version, "create_opportunity": "on", "amount": "500"}
    )
    lead.refresh_from_db()
    assert lead.status == "converted" and response["Location"] == f"/contacts/{lead.converted_contact_id}/"
    timeline = login(people.alice).get(response["Location"]).content.decode()
    assert "Converted from lead" in timeline or "리드" in timeline


def test_settings_pages_are_for_admins(people: Personas) -> None:
    for url in ("/leads/settings/forms/", "/leads/settings/scoring/", "/leads/settings/assignment/"):
        assert login(people.carol).get(url).status_code == 403
        assert login(people.root).get(url).status_code == 200
    bad = login(people.root).post(
        "/leads/settings/scoring/",
        {"label": "x", "field": "company_size", "operator": "at_least", "value": "lots", "points": "3"},
    )
    assert bad.status_code == 400 and "field-error" in bad.content.decode()
    login(people.root).post(
        "/leads/settings/scoring/",
        {"label": "Big", "field": "company_size", "operator": "at_least", "value": "100", "points": "3"},
    )
    assert ScoringRule.objects.get().label == "Big"
