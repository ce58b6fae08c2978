"""The analytics page, the value card, score filters and sorts in the contact list, scoring rules."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from inyeon.analytics import services
from inyeon.analytics.models import CustomerScore, ScoringRun
from inyeon.core.models import User
from tests.analytics.conftest import AS_OF, Base, add_orders
from tests.conftest import Personas, login


def english(user: User):  # type: ignore[no-untyped-def]
    user.language = "en"
    user.save(update_fields=["language"])
    return login(user)


def score() -> ScoringRun:
    return services.scoring_execute(ScoringRun.objects.create(as_of=AS_OF))


def test_before_any_run_the_page_invites_a_scoring(people: Personas) -> None:
    page = english(people.erin).get(reverse("web:analytics")).content.decode()
    assert "Score the customer base" in page
    assert "Score now" in page


def test_the_analytics_page_shows_the_grid_curve_funnel_and_segments(base: Base, people: Personas) -> None:
    run = score()
    page = english(people.root).get(reverse("web:analytics")).content.decode()
    grid = run.summary["all"]["rfm_grid"]["customers"]
    assert sum(map(sum, grid)) == 62
    # The R5/F5 cell links to the list filtered to it and shows its customer count.
    assert "r_score=5&amp;f_score=5&amp;sort=-score.monetary" in page
    assert f"<strong>{grid[4][4]}</strong>" in page
    top20 = round(100 * run.summary["all"]["pareto"]["top20_share"])
    assert f"The top 20% of customers bring {top20}% of revenue." in page
    assert '<polyline points="0.0,160.0' in page
    assert "?stage=churned" in page and "Champions" in page


def test_the_page_is_korean_for_a_korean_user(base: Base, people: Personas) -> None:
    score()
    page = login(people.root).get(reverse("web:analytics")).content.decode()
    assert "고객 가치" in page and "RFM 그리드" in page and "최우수 고객" in page


def test_a_rep_sees_figures_over_their_own_customers_only(base: Base, people: Personas) -> None:
    score()
    page = english(people.alice).get(reverse("web:analytics")).content.decode()
    cells = [int(n) for n in re.findall(r"<strong>(\d+)</strong>", page)]
    mine = CustomerScore.objects.filter(contact__owner=people.alice).exclude(r_score=0).count()
    assert sum(cells) == mine < 62
    assert "Score now" not in page


def test_score_now_queues_a_run_for_analysts_and_refuses_reps(people: Personas) -> None:
    response = english(people.erin).post(reverse("web:analytics_score"))
    run = ScoringRun.objects.get()
    assert response["Location"] == reverse("web:scoring_run", args=[run.pk])
    page = english(people.erin).get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and "Queued" in page
    response = english(people.alice).post(reverse("web:analytics_score"), follow=True)
    assert "Your role cannot start a scoring run." in response.content.decode()
    assert ScoringRun.objects.count() == 1


def test_the_value_card_explains_the_scores(base: Base, people: Personas) -> None:
    client = english(people.bob)
    before = client.get(reverse("web:contact", args=[base.lapsed.pk])).content.decode()
    assert "Not scored yet" in before
    score()
    page = client.get(reverse("web:contact", args=[base.lapsed.pk])).content.decode()
    s = CustomerScore.objects.get(contact=base.lapsed)
    assert f"R{s.r_score} F{s.f_score} M{s.m_score}" in page
    assert "3 orders, last purchase 500 days ago" in page
    assert "chance this customer is still active" in page
    assert "Customer equity" in page


def test_the_contact_list_filters_and_sorts_by_scores(base: Base, people: Personas) -> None:
    score()
    client = english(people.root)
    top = CustomerScore.objects.order_by("-clv_12m", "-contact_id").first()
    assert top is not None
    page = client.get(reverse("web:contacts"), {"sort": "-score.clv_12m"}).content.decode()
    first_link = re.search(r'href="/contacts/(\d+)/"', page)
    assert first_link and int(first_link.group(1)) == top.contact_id
    lost = CustomerScore.objects.filter(segment="lost").values_list("contact_id", flat=True)
    page = client.get(reverse("web:contacts"), {"segment": "lost"}).content.decode()
    listed = {int(pk) for pk in re.findall(r'href="/contacts/(\d+)/"', page)}
    assert listed == set(lost) and listed
    cell = CustomerScore.objects.filter(r_score=1, f_score=1).count()
    page = client.get(reverse("web:contacts"), {"r_score": 1, "f_score": 1}).content.decode()
    assert len(set(re.findall(r'href="/contacts/(\d+)/"', page))) == cell


def test_the_score_sort_pages_with_a_cursor(base: Base, people: Personas) -> None:
    from inyeon.customers.selectors import ContactFilters, contact_list

    score()
    seen: list[int] = []
    cursor = None
    while True:
        page = contact_list(
            user=people.root, filters=ContactFilters(), sort="-score.p_alive", cursor=cursor, limit=7
        )
        seen += [c.pk for c in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    expected = list(
        CustomerScore.objects.order_by("-p_alive", "-contact_id").values_list("contact_id", flat=True)
    )
    assert seen == expected


def test_the_migration_matrix_compares_two_runs(base: Base, people: Personas) -> None:
    score()
    old = CustomerScore.objects.get(contact=base.lapsed).segment
    add_orders(base.lapsed, [1, 2, 3, 4, 5, 6, 7, 8], amount=500_000)
    score()
    page = english(people.root).get(reverse("web:analytics")).content.decode()
    assert "Segment migration" in page and "The matrix appears" not in page
    from inyeon.analytics import selectors

    runs = list(ScoringRun.objects.order_by("pk"))
    keys, matrix = selectors.segment_migration(people.root, runs[0], runs[1])
    new = CustomerScore.objects.get(contact=base.lapsed).segment
    assert matrix[keys.index(old)][keys.index(new)] >= 1
    assert sum(map(sum, matrix)) == 62


def test_scoring_rules_page_is_for_admins_and_names_bad_fields(people: Personas) -> None:
    assert english(people.erin).get(reverse("web:scoring_settings")).status_code == 403
    client = english(people.root)
    assert client.get(reverse("web:scoring_settings")).status_code == 200
    data = {
        "new_within_days": 90,
        "churn_after_days": 365,
        "churn_p_alive_below": 1.5,
        "core_tiers": "A",
        "core_min_frequency_score": 4,
        "tier_a_share": 0.2,
        "tier_b_share": 0.5,
        "referral_share": 0.1,
        "annual_discount_rate": 0.1,
        "schedule_hour": 3,
        "segment_map": "",
    }
    page = client.post(reverse("web:scoring_settings"), data).content.decode()
    assert "Enter a number between 0 and 1." in page
    data["churn_p_alive_below"] = 0.25
    assert client.post(reverse("web:scoring_settings"), data).status_code == 302
    assert services.scoring_settings().churn_p_alive_below == 0.25


@pytest.mark.parametrize("value", ["{not json", '{"x": {"en": "x", "ko": "x", "cells": ["11"]}}'])
def test_a_bad_segment_map_is_named(people: Personas, value: str) -> None:
    client = english(people.root)
    data = {
        "new_within_days": 90,
        "churn_after_days": 365,
        "churn_p_alive_below": 0.2,
        "core_tiers": "A",
        "core_min_frequency_score": 4,
        "tier_a_share": 0.2,
        "tier_b_share": 0.5,
        "referral_share": 0.1,
        "annual_discount_rate": 0.1,
        "schedule_hour": "",
        "segment_map": value,
    }
    page = client.post(reverse("web:scoring_settings"), data).content.decode()
    assert "not valid" in page
    assert services.scoring_settings().segment_map is None


def test_the_list_filters_by_m_score_and_p_alive_and_names_a_bad_value(base: Base, people: Personas) -> None:
    score()
    client = english(people.root)
    page = client.get(reverse("web:contacts"), {"m_score": 5, "p_alive_min": "50%"}).content.decode()
    listed = {int(pk) for pk in re.findall(r'href="/contacts/(\d+)/"', page)}
    expected = set(
        CustomerScore.objects.filter(m_score=5, p_alive__gte=0.5).values_list("contact_id", flat=True)
    )
    assert listed == expected and listed
    page = client.get(reverse("web:contacts"), {"p_alive_max": "lots"}).content.decode()
    assert "P(alive) to: enter a number from 0 to 1 or a percentage" in page


def test_a_reps_figures_are_kept_until_the_next_run(base: Base, people: Personas) -> None:
    from inyeon.analytics import selectors

    score()
    first = selectors.base_figures(people.alice)
    assert first is not None
    CustomerScore.objects.filter(contact__owner=people.alice).delete()
    assert selectors.base_figures(people.alice) == first  # cached for this run
    newer = ScoringRun.objects.get()
    newer.pk = None
    newer.save()  # a newer finished run: the figures are computed again
    again = selectors.base_figures(people.alice)
    assert again is not None and first["buyers"] > 0 and again["buyers"] == 0
