"""The sales pages: board, list, detail, forms, moves (form and JSON), admin pages; visibility across
teams and query-count caps."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from inyeon.sales.models import Opportunity, Pipeline, StageKind
from tests.conftest import Personas, login
from tests.sales.factories import make_opportunity, reason, stage, won_stage

pytestmark = pytest.mark.django_db


def test_the_board_has_a_column_per_stage_with_cards_and_totals(people: Personas) -> None:
    make_opportunity(people.alice, name="ERP 도입", amount=5_000_000, close_date="2099-03-31")
    make_opportunity(people.alice, name="보안 감사", amount=2_000_000)
    response = login(people.alice).get(reverse("web:pipeline_board"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="column kind-') == 6
    assert "ERP 도입" in html and "보안 감사" in html
    assert "₩7,000,000" in html  # the first column's total
    assert 'draggable="true"' in html and 'name="version"' in html


def test_the_board_shows_only_what_the_user_may_see(people: Personas) -> None:
    make_opportunity(people.alice, name="강남 건")
    make_opportunity(people.bob, name="마포 건")
    make_opportunity(people.oscar, name="부산 건")
    alice = login(people.alice).get(reverse("web:pipeline_board")).content.decode()
    assert "강남 건" in alice and "마포 건" not in alice and "부산 건" not in alice
    carol = login(people.carol).get(reverse("web:pipeline_board")).content.decode()
    assert "강남 건" in carol and "마포 건" in carol and "부산 건" not in carol
    mapo_only = login(people.carol).get(reverse("web:pipeline_board"), {"team_id": people.mapo.pk})
    assert "마포 건" in mapo_only.content.decode() and "강남 건" not in mapo_only.content.decode()


def test_the_board_filters_by_owner_and_close_period(people: Personas) -> None:
    make_opportunity(people.alice, name="봄 건", close_date="2099-04-01")
    make_opportunity(people.alice, name="가을 건", close_date="2099-10-01")
    html = (
        login(people.carol)
        .get(reverse("web:pipeline_board"), {"owner_id": people.alice.pk, "close_from": "2099-09-01"})
        .content.decode()
    )
    assert "가을 건" in html and "봄 건" not in html


def test_the_board_query_count_does_not_grow_with_the_cards(
    people: Personas, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        make_opportunity(people.alice, name=f"건 {i}", account_id=None)
    client = login(people.carol)
    # 19: the page header also counts unread notifications.
    with django_assert_max_num_queries(19):
        assert client.get(reverse("web:pipeline_board")).status_code == 200


def test_a_card_moves_by_its_form_without_javascript(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    response = login(people.alice).post(
        reverse("web:opportunity_move", args=[opp.pk]),
        {"stage_id": stage(2).pk, "version": 1, "next": "/pipeline/"},
    )
    assert response.status_code == 302 and response["Location"] == "/pipeline/"
    assert Opportunity.objects.get(pk=opp.pk).stage == stage(2)


def test_a_drag_and_drop_move_answers_json_and_a_stale_one_is_a_409(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    client = login(people.alice)
    url = reverse("web:opportunity_move", args=[opp.pk])
    ok = client.post(url, {"stage_id": stage(2).pk, "version": 1}, HTTP_ACCEPT="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.post(url, {"stage_id": stage(3).pk, "version": 1}, HTTP_ACCEPT="application/json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert Opportunity.objects.get(pk=opp.pk).stage == stage(2)


def test_a_refused_move_answers_422_naming_both_stages(people: Personas) -> None:
    from inyeon.sales.models import StageTransition

    opp = make_opportunity(people.alice)
    StageTransition.objects.filter(from_stage=stage(1), to_stage=stage(3)).delete()
    response = login(people.alice).post(
        reverse("web:opportunity_move", args=[opp.pk]),
        {"stage_id": stage(3).pk, "version": 1},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 422
    assert stage(1).name_ko in response.json()["error"] and stage(3).name_ko in response.json()["error"]


def test_a_move_needs_the_csrf_token(people: Personas) -> None:
    from django.test import Client

    opp = make_opportunity(people.alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.alice)
    response = client.post(reverse("web:opportunity_move", args=[opp.pk]), {"stage_id": stage(2).pk})
    assert response.status_code == 403
    assert Opportunity.objects.get(pk=opp.pk).stage == stage(1)


def test_winning_from_the_detail_page_needs_a_reason(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    client = login(people.alice)
    url = reverse("web:opportunity_move", args=[opp.pk])
    client.post(url, {"stage_id": won_stage().pk, "version": 1})
    assert Opportunity.objects.get(pk=opp.pk).status == StageKind.OPEN
    client.post(url, {"stage_id": won_stage().pk, "version": 1, "close_reason_id": reason("won").pk})
    won = Opportunity.objects.get(pk=opp.pk)
    assert won.status == StageKind.WON and won.close_reason == reason("won")
    page = client.get(reverse("web:opportunity", args=[opp.pk])).content.decode()
    assert reason("won").label_ko in page and stage(1).name_ko in page  # history


def test_other_teams_cannot_reach_detail_edit_move_or_delete(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    client = login(people.oscar)
    for name in ("web:opportunity", "web:opportunity_edit", "web:opportunity_delete"):
        assert client.get(reverse(name, args=[opp.pk])).status_code == 404
    assert (
        client.post(reverse("web:opportunity_move", args=[opp.pk]), {"stage_id": stage(2).pk}).status_code
        == 404
    )
    assert Opportunity.objects.get(pk=opp.pk).stage == stage(1)


def test_the_list_filters_sorts_pages_and_hides_other_teams(
    people: Personas, django_assert_max_num_queries: Any
) -> None:
    for i in range(60):
        make_opportunity(people.alice, name=f"강남 {i:02d}", amount=i)
    make_opportunity(people.oscar, name="부산 건")
    client = login(people.alice)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("web:opportunities"), {"sort": "-amount"})
    html = first.content.decode()
    assert "강남 59" in html and "부산 건" not in html and "강남 05" not in html
    assert first.context["page"].next_cursor
    second = client.get(
        reverse("web:opportunities"), {"sort": "-amount", "cursor": first.context["page"].next_cursor}
    )
    assert "강남 05" in second.content.decode()
    by_stage = client.get(reverse("web:opportunities"), {"stage_id": stage(2).pk}).content.decode()
    assert "강남 59" not in by_stage


def test_create_shows_field_errors_and_creates(people: Personas) -> None:
    client = login(people.alice)
    bad = client.post(reverse("web:opportunity_create"), {"name": "", "amount": "-5", "close_date": "soon"})
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) >= {"name", "amount", "close_date"}
    good = client.post(
        reverse("web:opportunity_create"), {"name": "신규 건", "amount": "1000", "currency": "KRW"}
    )
    opp = Opportunity.objects.get(name="신규 건")
    assert good.status_code == 302 and good["Location"] == reverse("web:opportunity", args=[opp.pk])


def test_a_stale_edit_is_a_form_error_with_the_current_values(people: Personas) -> None:
    from inyeon.sales.services import opportunity_update

    opp = make_opportunity(people.alice, name="원래 이름")
    client = login(people.alice)
    opportunity_update(opportunity=opp, data={"name": "동료가 바꾼 이름"}, actor=people.carol)
    response = client.post(
        reverse("web:opportunity_edit", args=[opp.pk]), {"name": "내 이름", "amount": "5", "version": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "동료가 바꾼 이름" in html and response.context["form"].non_field_errors()
    assert Opportunity.objects.get(pk=opp.pk).name == "동료가 바꾼 이름"


def test_the_contact_and_account_pages_list_opportunities_and_their_moves(people: Personas) -> None:
    from tests.factories import AccountFactory, ContactFactory

    account = AccountFactory(owner=people.alice)
    contact = ContactFactory(owner=people.alice, team=people.gangnam, account=account)
    opp = make_opportunity(people.alice, name="360 건", contact_id=contact.pk, account_id=account.pk)
    client = login(people.alice)
    client.post(reverse("web:opportunity_move", args=[opp.pk]), {"stage_id": stage(2).pk, "version": 1})
    for url in (reverse("web:contact", args=[contact.pk]), reverse("web:account", args=[account.pk])):
        html = client.get(url).content.decode()
        assert "360 건" in html and 'class="tl-opportunity"' in html and stage(2).name_ko in html


def test_only_admins_reach_the_pipeline_admin_pages(people: Personas) -> None:
    assert login(people.carol).get(reverse("web:pipeline_admin")).status_code == 403
    assert login(people.root).get(reverse("web:pipeline_admin")).status_code == 200
    assert login(people.alice).post(reverse("web:pipeline_admin_new"), {"name_ko": "x"}).status_code == 403


def test_an_admin_creates_a_pipeline_on_the_page(people: Personas) -> None:
    data = {
        "name_ko": "파트너 영업",
        "active": "on",
        "stages-TOTAL_FORMS": "3",
        "stages-INITIAL_FORMS": "0",
        "stages-0-name_ko": "접촉",
        "stages-0-position": "1",
        "stages-0-probability": "20",
        "stages-0-kind": "open",
        "stages-1-name_ko": "계약",
        "stages-1-position": "2",
        "stages-1-probability": "100",
        "stages-1-kind": "won",
        "stages-2-name_ko": "무산",
        "stages-2-position": "3",
        "stages-2-probability": "0",
        "stages-2-kind": "lost",
        "move": ["1-2", "1-3"],
    }
    response = login(people.root).post(reverse("web:pipeline_admin_new"), data)
    pipeline = Pipeline.objects.get(name_ko="파트너 영업")
    assert response.status_code == 302
    assert pipeline.stages.count() == 3 and pipeline.transitions.count() == 2
    bad = login(people.root).post(
        reverse("web:pipeline_admin_new"), {**data, "stages-1-kind": "open", "name_ko": "둘"}
    )
    assert bad.status_code == 200 and bad.context["errors"]["stages"]
    assert bad.context["general_errors"][0] in bad.content.decode()
    assert not Pipeline.objects.filter(name_ko="둘").exists()


def test_the_nav_links_to_the_pipeline_in_korean(people: Personas) -> None:
    client = login(people.alice)
    client.post(reverse("web:set_language"), {"language": "ko", "next": "/"})
    html = client.get(reverse("web:home")).content.decode()
    assert reverse("web:pipeline_board") in html


def test_the_admin_edit_page_shows_stages_and_the_moves_grid(people: Personas) -> None:
    from inyeon.sales.selectors import pipeline_default

    pipeline = pipeline_default()
    response = login(people.root).get(reverse("web:pipeline_admin_edit", args=[pipeline.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="1-2" aria-label="1 → 2" checked' in html  # a declared move is ticked
    assert 'value="5-6"' in html and 'value="5-6" aria-label="5 → 6" checked' not in html
    assert "요구 분석" in html


def test_a_stale_move_without_javascript_goes_back_with_a_message(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    client = login(people.alice)
    url = reverse("web:opportunity_move", args=[opp.pk])
    client.post(url, {"stage_id": stage(2).pk, "version": 1})
    response = client.post(url, {"stage_id": stage(3).pk, "version": 1, "next": "/pipeline/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/pipeline/"
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    assert Opportunity.objects.get(pk=opp.pk).stage == stage(2)


def test_read_only_users_see_the_board_without_move_forms(people: Personas) -> None:
    make_opportunity(people.bob, name="마포 건")
    html = login(people.rita).get(reverse("web:pipeline_board")).content.decode()
    assert "마포 건" in html and 'draggable="true"' not in html and "/move/" not in html
    assert login(people.rita).get(reverse("web:opportunity_create")).status_code == 403


def test_the_opportunity_page_lists_its_quotes_and_starts_a_new_one(people: Personas) -> None:
    from inyeon.quotes.services import quote_create

    opp = make_opportunity(people.alice, name="ERP 도입")
    quote = quote_create(
        data={
            "opportunity_id": opp.pk,
            "account_id": opp.account_id,
            "lines": [{"description": "컨설팅", "quantity": 1, "unit_price": 100_000}],
        },
        actor=people.alice,
    )
    page = login(people.alice).get(reverse("web:opportunity", args=[opp.pk])).content.decode()
    assert quote.number in page
    assert f"{reverse('web:quote_create')}?opportunity={opp.pk}" in page
    # Carol (the manager) sees it too; Bob's team does not reach the opportunity at all.
    assert quote.number in login(people.carol).get(reverse("web:opportunity", args=[opp.pk])).content.decode()
    assert login(people.bob).get(reverse("web:opportunity", args=[opp.pk])).status_code == 404
