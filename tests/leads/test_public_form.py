"""The public form: capture without sign-in, honeypot, minimum fill time, per-IP rate limit, size
limit, thank-you page, JSON variant, consents with purpose and source, assignment by the rules."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from inyeon.leads import spam
from inyeon.leads.models import Lead, LeadForm
from inyeon.leads.services import assignment_rule_create, lead_form_create
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(people: Personas) -> LeadForm:
    return lead_form_create(
        data={
            "name": "홈페이지 문의",
            "owner_id": people.alice.pk,
            "campaign": "2026 봄",
            "consent_purpose": "신제품 소식",
        },
        actor=people.root,
    )


def _token(form: LeadForm, seconds_ago: float = 10) -> str:
    return spam.form_token(form.key, now=time.time() - seconds_ago)


def _data(form: LeadForm, **extra: str) -> dict[str, str]:
    return {
        "display_name": "강호동",
        "company": "호동상사",
        "email": "hodong@example.kr",
        "consent_email": "on",
        "form_token": _token(form),
        **extra,
    }


def test_a_visitor_submits_the_form_and_sees_the_thank_you_page(form: LeadForm, people: Personas) -> None:
    client = Client()
    page = client.get(f"/forms/lead/{form.key}")
    assert page.status_code == 200 and 'name="form_token"' in page.content.decode()
    response = client.post(f"/forms/lead/{form.key}", _data(form))
    assert response.status_code == 302 and response["Location"] == f"/forms/lead/{form.key}/thanks/"
    lead = Lead.objects.get()
    assert (lead.source, lead.owner, lead.campaign, lead.form) == ("web_form", people.alice, "2026 봄", form)
    assert (
        lead.consent_email
        and lead.consent_purpose == "신제품 소식"
        and "홈페이지 문의" in lead.consent_source
    )
    assert lead.consent_at is not None
    assert client.get(response["Location"]).status_code == 200


def test_a_filled_honeypot_is_thanked_but_nothing_is_stored(form: LeadForm) -> None:
    response = Client().post(f"/forms/lead/{form.key}", _data(form, website="http://spam.example"))
    assert response.status_code == 302
    assert not Lead.objects.exists()


def test_a_form_sent_too_fast_is_refused(form: LeadForm) -> None:
    response = Client().post(
        f"/forms/lead/{form.key}", {**_data(form), "form_token": _token(form, seconds_ago=0.5)}
    )
    assert (
        response.status_code == 400 and "너무 빨리 제출" in response.content.decode()
    )  # in Korean by default
    assert not Lead.objects.exists()


def test_a_missing_or_forged_token_is_refused(form: LeadForm) -> None:
    assert (
        Client().post(f"/forms/lead/{form.key}", {**_data(form), "form_token": "forged"}).status_code == 400
    )
    other = spam.form_token("another-form", now=time.time() - 60)
    assert Client().post(f"/forms/lead/{form.key}", {**_data(form), "form_token": other}).status_code == 400
    assert not Lead.objects.exists()


def test_the_rate_limit_counts_per_address(form: LeadForm, settings: object) -> None:
    settings.INYEON_LEAD_FORM_RATE = "2/600"  # type: ignore[attr-defined]
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(2):
        assert (
            client.post(f"/forms/lead/{form.key}", _data(form, email=f"r{i}@example.kr")).status_code == 302
        )
    assert client.post(f"/forms/lead/{form.key}", _data(form, email="r3@example.kr")).status_code == 429
    assert (
        Client(REMOTE_ADDR="203.0.113.8")
        .post(f"/forms/lead/{form.key}", _data(form, email="r4@example.kr"))
        .status_code
        == 302
    )
    assert Lead.objects.count() == 3


def test_an_oversized_submission_is_refused(form: LeadForm) -> None:
    response = Client().post(f"/forms/lead/{form.key}", _data(form, notes="가" * 20_000))
    assert response.status_code == 413 and not Lead.objects.exists()


def test_bad_fields_are_shown_next_to_the_field(form: LeadForm) -> None:
    response = Client().post(f"/forms/lead/{form.key}", _data(form, email="nope"))
    assert response.status_code == 400 and "field-error" in response.content.decode()
    assert not Lead.objects.exists()


def test_the_json_variant_for_embedding(form: LeadForm) -> None:
    client = Client()
    meta = client.get(f"/forms/lead/{form.key}.json").json()
    assert meta["token_field"] == "form_token" and meta["honeypot_field"] == "website"
    body = {**_data(form), "consent_email": True}
    created = client.post(f"/forms/lead/{form.key}", json.dumps(body), content_type="application/json")
    assert created.status_code == 201 and created.json()["ok"] is True
    bad = client.post(
        f"/forms/lead/{form.key}", json.dumps({**body, "phone": "12"}), content_type="application/json"
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "phone"


def test_visitors_cannot_set_the_owner_or_source(form: LeadForm, people: Personas) -> None:
    Client().post(f"/forms/lead/{form.key}", _data(form, owner_id=str(people.oscar.pk), source="referral"))
    lead = Lead.objects.get()
    assert lead.owner == people.alice and lead.source == "web_form"


def test_form_leads_go_through_the_assignment_rules(form: LeadForm, people: Personas) -> None:
    assignment_rule_create(
        data={"name": "Mapo", "strategy": "round_robin", "team_id": people.mapo.pk}, actor=people.root
    )
    Client().post(f"/forms/lead/{form.key}", _data(form))
    assert Lead.objects.get().owner == people.bob


def test_a_closed_or_unknown_form_is_not_found(form: LeadForm, people: Personas) -> None:
    from inyeon.leads.services import lead_form_set_active

    assert Client().get("/forms/lead/nope").status_code == 404
    lead_form_set_active(form=form, active=False, actor=people.root)
    assert Client().post(f"/forms/lead/{form.key}", _data(form)).status_code == 404
