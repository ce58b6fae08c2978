"""The weighted forecast, its categories, the roll-up over the team tree, and who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from inyeon.core.models import Team, User
from inyeon.forecasts.figures import Figures
from inyeon.forecasts.periods import parse_period, period_containing
from inyeon.forecasts.selectors import forecast_rollup
from tests.conftest import Personas
from tests.forecasts.factories import opp

pytestmark = pytest.mark.django_db
Q4 = parse_period("2026-Q4")


def test_periods_parse_quarters_and_months_and_name_the_field_when_bad() -> None:
    assert (Q4.start, Q4.end, Q4.kind) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1), "quarter")
    nov = parse_period("2026-11")
    assert (nov.start, nov.end, nov.key) == (dt.date(2026, 11, 1), dt.date(2026, 12, 1), "2026-11")
    assert Q4.next().key == "2027-Q1" and Q4.previous().key == "2026-Q3"
    assert period_containing(dt.date(2026, 2, 3)).key == "2026-Q1"
    with pytest.raises(ValidationError) as exc:
        parse_period("2026-Q5")
    assert "period" in exc.value.message_dict


def test_weighted_forecast_sums_open_amount_times_probability_plus_closed_won_by_category(
    people: Personas,
) -> None:
    a = people.alice
    opp(a, 1_000_000, category="commit", probability=80)
    opp(a, 2_000_000, category="best_case", probability=50)
    opp(a, 3_000_000, category="pipeline", probability=10)
    opp(a, 9_000_000, category="omitted", probability=90)  # left out
    opp(a, 500_000, status="won")
    opp(a, 700_000, status="lost")  # not counted
    opp(a, 4_000_000, category="commit", close_date=dt.date(2027, 1, 5))  # next quarter
    opp(a, 100_000, category="commit", currency="USD")  # other currency, apart
    report = forecast_rollup(user=a, period=Q4, level="rep", user_id=a.pk)
    f = report.total
    assert (f.won, f.commit, f.best_case, f.pipeline) == (500_000, 1_000_000, 2_000_000, 3_000_000)
    assert f.weighted == 500_000 + 800_000 + 1_000_000 + 300_000
    assert f.forecast_commit == 1_500_000
    assert f.forecast_best_case == 3_500_000
    assert f.forecast_total == 6_500_000
    listed = [o.amount for o in report.opportunities.items]
    assert listed == [1_000_000, 2_000_000, 3_000_000, 9_000_000, 500_000, 100_000]
    company = forecast_rollup(user=a, period=Q4)
    assert company.other_currencies == [
        {"currency": "USD", "won": 0, "open": 100_000, "weighted": 50_000, "count": 1}
    ]


def _tree(people: Personas) -> tuple[Team, User]:
    """Seoul > Gangnam, Mapo; Gangnam > Yeoksam (a sub-team) with rep yuna. Busan beside."""
    from inyeon.core.services import team_ensure
    from tests.factories import UserFactory

    yeoksam = team_ensure(name="Yeoksam", parent=people.gangnam)
    yuna = UserFactory(username="yuna", role="sales_rep", team=yeoksam)
    opp(people.alice, 1_000_000, category="commit", probability=70)
    opp(people.alice, 300_000, status="won")
    opp(people.bob, 2_000_000, category="best_case", probability=40)
    opp(yuna, 500_000, category="pipeline", probability=20)
    opp(people.carol, 100_000, category="commit", probability=90)  # the manager's own, team Seoul
    opp(people.oscar, 8_000_000, category="commit", probability=60)
    return yeoksam, yuna


def _sum(rows: list) -> Figures:
    total = Figures()
    for row in rows:
        total.add(row.figures)
    return total


def test_roll_up_totals_equal_the_sum_of_their_parts_at_every_level(people: Personas) -> None:
    _yeoksam, yuna = _tree(people)
    company = forecast_rollup(user=people.root, period=Q4)
    assert {r.name for r in company.rows if r.kind == "team"} >= {"Seoul", "Busan"}
    assert company.total == _sum(company.rows)
    assert company.total.weighted == 300_000 + 700_000 + 800_000 + 100_000 + 90_000 + 4_800_000
    seoul_row = next(r for r in company.rows if r.name == "Seoul")
    seoul = forecast_rollup(user=people.root, period=Q4, level="region", team_id=people.seoul.pk)
    assert seoul.total == seoul_row.figures == _sum(seoul.rows)
    assert [(r.kind, r.name) for r in seoul.rows] == [("team", "Gangnam"), ("team", "Mapo"), ("rep", "carol")]
    gangnam = forecast_rollup(user=people.root, period=Q4, level="team", team_id=people.gangnam.pk)
    assert gangnam.total == seoul.rows[0].figures == _sum(gangnam.rows)
    assert [(r.kind, r.name) for r in gangnam.rows] == [("team", "Yeoksam"), ("rep", "alice")]
    assert [t.name for t in gangnam.breadcrumbs] == ["Seoul"]
    rep = forecast_rollup(user=people.root, period=Q4, level="rep", user_id=yuna.pk)
    assert rep.total.weighted == 100_000 and [t.name for t in rep.breadcrumbs] == [
        "Seoul",
        "Gangnam",
        "Yeoksam",
    ]


def test_each_role_sees_the_roll_up_of_what_it_may_see(people: Personas) -> None:
    _tree(people)
    alice = forecast_rollup(user=people.alice, period=Q4)
    assert alice.total.weighted == 1_000_000  # her own: 700,000 weighted + 300,000 won
    carol = forecast_rollup(user=people.carol, period=Q4)
    assert [r.name for r in carol.rows] == ["Seoul"]
    assert carol.total.weighted == 300_000 + 700_000 + 800_000 + 100_000 + 90_000
    erin = forecast_rollup(user=people.erin, period=Q4)  # analyst: all
    assert erin.total == forecast_rollup(user=people.root, period=Q4).total
    with pytest.raises(Team.DoesNotExist):
        forecast_rollup(user=people.oscar, period=Q4, level="team", team_id=people.gangnam.pk)
    with pytest.raises(User.DoesNotExist):
        forecast_rollup(user=people.bob, period=Q4, level="rep", user_id=people.alice.pk)
    bob_on_alice_team = forecast_rollup(user=people.carol, period=Q4, level="rep", user_id=people.alice.pk)
    assert bob_on_alice_team.total.won == 300_000


def test_a_bad_level_or_a_missing_team_names_the_field(people: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        forecast_rollup(user=people.root, period=Q4, level="galaxy")
    assert "level" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        forecast_rollup(user=people.root, period=Q4, level="team")
    assert "team_id" in exc.value.message_dict


def test_the_roll_up_runs_a_fixed_number_of_queries(people: Personas, django_assert_max_num_queries) -> None:
    _tree(people)
    for i in range(10):
        opp(people.bob, 1000 + i)
    with django_assert_max_num_queries(10):
        forecast_rollup(user=people.root, period=Q4, level="team", team_id=people.mapo.pk)


def test_a_closed_deal_counts_in_the_period_it_closed_not_the_one_it_was_expected_in(
    people: Personas,
) -> None:
    a = people.alice
    early = opp(a, 2_000_000, status="won", close_date=dt.date(2027, 2, 1))  # expected next quarter
    from inyeon.sales.models import Opportunity

    Opportunity.objects.filter(pk=early.pk).update(closed_at=dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC))
    legacy = opp(a, 500_000, status="won", close_date=dt.date(2026, 12, 1))
    Opportunity.objects.filter(pk=legacy.pk).update(closed_at=None)  # imported: its close date decides
    q4 = forecast_rollup(user=a, period=Q4, level="rep", user_id=a.pk).total
    q1 = forecast_rollup(user=a, period=parse_period("2027-Q1"), level="rep", user_id=a.pk).total
    assert (q4.won, q4.won_count, q1.won) == (2_500_000, 2, 0)


def test_other_currencies_are_listed_for_the_node_shown(people: Personas) -> None:
    opp(people.alice, 100, category="commit", probability=50, currency="USD")
    opp(people.oscar, 900, category="commit", probability=50, currency="USD")
    company = forecast_rollup(user=people.root, period=Q4)
    assert [(c["currency"], c["open"]) for c in company.other_currencies] == [("USD", 1000)]
    seoul = forecast_rollup(user=people.root, period=Q4, level="team", team_id=people.seoul.pk)
    assert [(c["currency"], c["open"]) for c in seoul.other_currencies] == [("USD", 100)]
    rep = forecast_rollup(user=people.root, period=Q4, level="rep", user_id=people.oscar.pk)
    assert [(c["currency"], c["weighted"]) for c in rep.other_currencies] == [("USD", 450)]
