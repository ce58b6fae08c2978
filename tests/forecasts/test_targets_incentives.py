"""Targets (validation, who may set them, attainment without double counting), incentive plans of
both kinds with their payout lines, and the dashboard figures on a known data set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inyeon.core.models import AuditLog
from inyeon.forecasts import selectors, services
from inyeon.forecasts.models import PayoutStatement, Target
from inyeon.forecasts.periods import parse_period
from tests.conftest import Personas
from tests.factories import AccountFactory, ContactFactory, ProductFactory
from tests.forecasts.factories import opp, order

pytestmark = pytest.mark.django_db
Q4 = parse_period("2026-Q4")


def test_a_manager_sets_targets_for_the_subtree_and_every_rule_names_its_field(people: Personas) -> None:
    t = services.target_create(
        data={"user_id": people.alice.pk, "period": "2026-Q4", "amount": 10_000_000}, actor=people.carol
    )
    assert (t.period_kind, t.period_start, t.currency) == ("quarter", dt.date(2026, 10, 1), "KRW")
    assert AuditLog.objects.filter(entity="target", entity_id=str(t.pk), action="create").exists()
    team_target = services.target_create(
        data={"team_id": people.mapo.pk, "period": "2026-11", "amount": 5_000}, actor=people.carol
    )
    assert team_target.period_kind == "month"
    cases = [
        ({"user_id": people.alice.pk, "period": "2026-Q4", "amount": 1}, "period"),  # one per period
        ({"user_id": people.bob.pk, "period": "2026-Q4", "amount": 0}, "amount"),
        ({"user_id": people.bob.pk, "period": "2026-Q4", "amount": -5}, "amount"),
        ({"user_id": people.bob.pk, "period": "2026-Q9", "amount": 5}, "period"),
        ({"user_id": people.bob.pk, "period": "2026-Q4", "amount": 5, "currency": "XYZ"}, "currency"),
        ({"user_id": people.oscar.pk, "period": "2026-Q4", "amount": 5}, "user_id"),  # not her subtree
        ({"team_id": people.busan.pk, "period": "2026-Q4", "amount": 5}, "team_id"),
        ({"user_id": people.carol.pk, "period": "2026-Q4", "amount": 5}, "user_id"),  # not herself
        ({"user_id": people.bob.pk, "team_id": people.mapo.pk, "period": "2026-Q4", "amount": 5}, "user_id"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.target_create(data=data, actor=people.carol)
        assert field in exc.value.message_dict, (data, exc.value.message_dict)
    assert Target.objects.count() == 2
    with pytest.raises(PermissionDenied):
        services.target_create(
            data={"user_id": people.bob.pk, "period": "2026-Q4", "amount": 5}, actor=people.alice
        )
    services.target_create(
        data={"user_id": people.oscar.pk, "period": "2026-Q4", "amount": 5}, actor=people.root
    )


def test_targets_are_seen_by_the_rep_the_team_and_the_managers_above(people: Personas) -> None:
    mine = services.target_create(
        data={"user_id": people.alice.pk, "period": "2026-Q4", "amount": 10}, actor=people.carol
    )
    bobs = services.target_create(
        data={"user_id": people.bob.pk, "period": "2026-Q4", "amount": 10}, actor=people.carol
    )
    busan = services.target_create(
        data={"team_id": people.busan.pk, "period": "2026-Q4", "amount": 10}, actor=people.root
    )
    assert set(selectors.targets_visible(people.alice)) == {mine}
    assert set(selectors.targets_visible(people.carol)) == {mine, bobs}
    assert set(selectors.targets_visible(people.oscar)) == {busan}
    assert set(selectors.targets_visible(people.erin)) == {mine, bobs, busan}
    with pytest.raises(Target.DoesNotExist):
        selectors.target_get(user=people.bob, pk=mine.pk)


def test_a_stale_target_update_is_refused_and_an_update_is_audited(people: Personas) -> None:
    from inyeon.core.errors import ConflictError

    t = services.target_create(
        data={"user_id": people.alice.pk, "period": "2026-Q4", "amount": 10}, actor=people.carol
    )
    updated = services.target_update(target=t, data={"amount": 20}, actor=people.carol, expected_version=1)
    assert (updated.amount, updated.version) == (20, 2)
    with pytest.raises(ConflictError):
        services.target_update(target=t, data={"amount": 30}, actor=people.carol, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.target_update(target=t, data={"amount": 30}, actor=people.alice)


def test_attainment_counts_won_deals_and_orders_without_counting_a_won_deals_order_twice(
    people: Personas,
) -> None:
    a = people.alice
    acme = AccountFactory(owner=a)
    kim = ContactFactory(owner=a)
    lee = ContactFactory(owner=a)
    opp(a, 5_000_000, status="won", account_id=acme.pk)
    opp(a, 1_000_000, status="won", contact_id=kim.pk)
    opp(a, 9_000_000, status="lost", contact_id=lee.pk)
    opp(a, 2_000_000, category="commit")  # open: not attained
    order(a, 5_000_000, account=acme)  # the won deal's order: not again
    order(a, 1_000_000, contact=kim)  # likewise
    order(a, 300_000, contact=lee)  # a customer without a won deal: counts
    order(a, 200_000, contact=lee, status="cancelled")  # not completed
    order(a, 400_000, contact=lee, day=dt.date(2026, 9, 30))  # last quarter
    order(people.bob, 700_000, contact=ContactFactory(owner=people.bob))  # another rep
    target = services.target_create(
        data={"user_id": a.pk, "period": "2026-Q4", "amount": 10_000_000}, actor=people.carol
    )
    assert selectors.attainment(target=target, period=Q4) == {
        "won": 6_000_000,
        "orders": 300_000,
        "attained": 6_300_000,
    }
    team = services.target_create(
        data={"team_id": people.seoul.pk, "period": "2026-Q4", "amount": 20_000_000}, actor=people.root
    )
    assert selectors.attainment(target=team, period=Q4)["attained"] == 6_300_000 + 700_000
    assert selectors.attainments(targets=[target, team], period=Q4) == {
        target.pk: selectors.attainment(target=target, period=Q4),
        team.pk: selectors.attainment(target=team, period=Q4),
    }
    report = selectors.forecast_rollup(user=people.carol, period=Q4, level="team", team_id=people.gangnam.pk)
    row = next(r for r in report.rows if r.name == "alice")
    assert row.figures.attained == 6_300_000 and row.attainment_pct == Decimal("63.00")


BANDS = [{"from_pct": 0, "rate": "2"}, {"from_pct": 80, "rate": "4"}, {"from_pct": 100, "rate": "6"}]


def test_an_attainment_band_plan_pays_the_band_reached_on_every_credited_sale(people: Personas) -> None:
    a = people.alice
    plan = services.plan_create(
        data={"name": "분기 커미션", "kind": "attainment", "rates": BANDS}, actor=people.root
    )
    services.assignment_create(
        plan=plan, data={"user_id": a.pk, "valid_from": "2026-01-01"}, actor=people.carol
    )
    services.target_create(
        data={"user_id": a.pk, "period": "2026-Q4", "amount": 10_000_000}, actor=people.carol
    )
    deal = opp(a, 8_000_000, status="won")
    extra = order(a, 500_000, contact=ContactFactory(owner=a))
    [statement] = services.payout_compute(plan=plan, period=Q4, actor=people.carol)
    assert statement.attainment_pct == Decimal("85.00") and statement.target_amount == 10_000_000
    lines = list(statement.lines.values_list("opportunity_id", "order_id", "base", "rate", "amount"))
    assert lines == [
        (deal.pk, None, 8_000_000, Decimal("4.000"), 320_000),
        (None, extra.pk, 500_000, Decimal("4.000"), 20_000),
    ]
    assert (statement.base_total, statement.amount_total) == (8_500_000, 340_000)
    # A late deal lifts the rep over 100%: recomputing replaces the lines at the new rate.
    opp(a, 2_000_000, status="won")
    [again] = services.payout_compute(plan=plan, period=Q4, actor=people.root)
    assert again.pk == statement.pk and again.version == 2
    assert again.attainment_pct == Decimal("105.00") and again.amount_total == 630_000
    assert again.lines.count() == 3 and PayoutStatement.objects.count() == 1


def test_a_product_category_plan_pays_each_order_line_at_its_categorys_rate(people: Personas) -> None:
    a = people.alice
    software = ProductFactory(category="소프트웨어")
    hardware = ProductFactory(category="하드웨어")
    misc = ProductFactory(category="기타")
    plan = services.plan_create(
        data={
            "name": "제품군 커미션",
            "kind": "category",
            "period_kind": "month",
            "rates": [{"category": "소프트웨어", "rate": "10"}, {"category": "하드웨어", "rate": "2.5"}],
            "default_rate": "1",
        },
        actor=people.root,
    )
    services.assignment_create(
        plan=plan,
        data={"user_id": a.pk, "valid_from": "2026-11-01", "valid_to": "2026-11-30"},
        actor=people.root,
    )
    kim = ContactFactory(owner=a)
    o = order(a, 0, contact=kim, lines=[(software, 1_000_000), (hardware, 400_000), (misc, 50_000)])
    order(a, 10_000, contact=kim, lines=[(software, 10_000)], day=dt.date(2026, 10, 31))  # October
    [statement] = services.payout_compute(plan=plan, period=parse_period("2026-11"), actor=people.root)
    rows = list(statement.lines.values_list("order_id", "category", "base", "rate", "amount"))
    assert rows == [
        (o.pk, "소프트웨어", 1_000_000, Decimal("10.000"), 100_000),
        (o.pk, "하드웨어", 400_000, Decimal("2.500"), 10_000),
        (o.pk, "기타", 50_000, Decimal("1.000"), 500),
    ]
    with pytest.raises(ValidationError) as exc:
        services.payout_compute(plan=plan, period=Q4, actor=people.root)
    assert "period" in exc.value.message_dict
    assert services.payout_compute(plan=plan, period=parse_period("2026-12"), actor=people.root) == []


def test_plan_rate_tables_are_validated_entry_by_entry(people: Personas) -> None:
    bad = [
        ({"name": "", "kind": "attainment", "rates": BANDS}, {"name"}),
        ({"name": "x", "kind": "bonus", "rates": BANDS}, {"kind"}),
        ({"name": "x", "kind": "attainment", "rates": [{"from_pct": 50, "rate": "2"}]}, {"rates"}),
        ({"name": "x", "kind": "attainment", "rates": [{"from_pct": 0, "rate": "200"}]}, {"rates[0].rate"}),
        ({"name": "x", "kind": "category", "rates": [{"category": "", "rate": "1"}]}, {"rates[0].category"}),
        ({"name": "x", "kind": "category", "rates": []}, {"rates"}),
    ]
    for data, fields in bad:
        with pytest.raises(ValidationError) as exc:
            services.plan_create(data=data, actor=people.root)
        assert set(exc.value.message_dict) == fields, data
    with pytest.raises(PermissionDenied):
        services.plan_create(data={"name": "x", "kind": "attainment", "rates": BANDS}, actor=people.alice)
    with pytest.raises(PermissionDenied):  # managers assign reps and compute, admins shape plans
        services.plan_create(data={"name": "x", "kind": "attainment", "rates": BANDS}, actor=people.carol)


def test_payout_statements_are_seen_by_the_rep_and_their_managers_only(people: Personas) -> None:
    plan = services.plan_create(data={"name": "p", "kind": "attainment", "rates": BANDS}, actor=people.root)
    for rep in (people.alice, people.bob, people.oscar):
        services.assignment_create(
            plan=plan, data={"user_id": rep.pk, "valid_from": "2026-10-01"}, actor=people.root
        )
        opp(rep, 1_000_000, status="won")
    # A manager computes only the reps of the subtree.
    assert {s.user for s in services.payout_compute(plan=plan, period=Q4, actor=people.carol)} == {
        people.alice,
        people.bob,
    }
    services.payout_compute(plan=plan, period=Q4, actor=people.root)
    alices = PayoutStatement.objects.get(user=people.alice)
    assert {s.user for s in selectors.statements_visible(people.alice)} == {people.alice}
    assert {s.user for s in selectors.statements_visible(people.carol)} == {people.alice, people.bob}
    assert {s.user for s in selectors.statements_visible(people.root)} == {
        people.alice,
        people.bob,
        people.oscar,
    }
    assert not selectors.statements_visible(people.erin).exists()
    assert not selectors.statements_visible(people.dave).exists()
    with pytest.raises(PayoutStatement.DoesNotExist):
        selectors.statement_get(user=people.oscar, pk=alices.pk)
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(
            plan=plan, data={"user_id": people.alice.pk, "valid_from": "2026-12-01"}, actor=people.root
        )
    assert "valid_from" in exc.value.message_dict


def test_dashboard_figures_on_a_known_data_set(people: Personas) -> None:
    a = people.alice
    created = dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC)
    opp(a, 1_000_000, category="commit", probability=75, name="큰 건")
    opp(a, 400_000, category="pipeline", probability=25)
    opp(
        a, 3_000_000, status="won", created_at=created, closed_at=dt.datetime(2026, 10, 11, 12, tzinfo=dt.UTC)
    )
    opp(
        a, 1_000_000, status="won", created_at=created, closed_at=dt.datetime(2026, 10, 31, 12, tzinfo=dt.UTC)
    )
    opp(a, 2_000_000, status="lost")
    opp(people.bob, 99_000_000, category="commit")  # not hers
    services.target_create(
        data={"user_id": a.pk, "period": "2026-Q4", "amount": 8_000_000}, actor=people.carol
    )
    figures = selectors.dashboard(a, [parse_period("2026-11"), Q4])
    stages = {
        row["stage"].position: (row["count"], row["amount"], row["weighted"]) for row in figures["stages"]
    }
    assert stages == {1: (2, 1_400_000, 750_000 + 100_000)}  # both at the first stage
    assert figures["win_rate"] == {"won": 2, "lost": 1, "rate": Decimal("66.67")}
    assert figures["cycle_days"] == 20.0
    assert [o.name for o in figures["top_deals"]] == ["큰 건", "딜 400000"]
    quarter = figures["versus"][1]
    assert quarter["target"] == 8_000_000 and quarter["figures"].weighted == 4_000_000 + 850_000
    assert quarter["forecast_pct"] == Decimal("60.63")
