"""The quote arithmetic: integer minor units, half-up rounding, discounts shared exactly, VAT per rate."""

from __future__ import annotations

import pytest

from inyeon.quotes.totals import LineInput, allocate, compute, parse_percent, round_half_up

VAT = 1000  # 10% in basis points


def test_round_half_up_rounds_halves_away_from_zero() -> None:
    assert [round_half_up(n, 10) for n in (14, 15, 16, 25)] == [1, 2, 2, 3]
    with pytest.raises(ValueError):
        round_half_up(-1, 10)


def test_korean_vat_is_ten_percent_of_the_supply_value() -> None:
    result = compute([LineInput(quantity=3, unit_price=33_333, tax_rate_bp=VAT)])
    assert (result.subtotal, result.tax_total, result.total) == (99_999, 10_000, 109_999)


def test_tax_is_rounded_once_per_rate_not_per_line() -> None:
    lines = [LineInput(quantity=1, unit_price=15, tax_rate_bp=VAT) for _i in range(3)]
    result = compute(lines)
    # Per line 1.5 won would round to 2 each (6); on the 45 won base it is 4.5 → 5.
    assert result.tax_total == 5 and result.total == 50


def test_line_discounts_in_percent_and_amount() -> None:
    result = compute(
        [
            LineInput(
                quantity=2, unit_price=10_005, tax_rate_bp=VAT, discount_kind="percent", discount_value=1250
            ),
            LineInput(
                quantity=1, unit_price=50_000, tax_rate_bp=VAT, discount_kind="amount", discount_value=7_000
            ),
        ]
    )
    first, second = result.lines
    assert (first.gross, first.line_discount, first.net) == (20_010, 2_501, 17_509)  # 2501.25 → 2501
    assert (second.line_discount, second.net) == (7_000, 43_000)
    assert result.subtotal == 60_509


def test_an_amount_discount_never_exceeds_the_line() -> None:
    result = compute(
        [LineInput(quantity=1, unit_price=100, tax_rate_bp=VAT, discount_kind="amount", discount_value=500)]
    )
    assert result.lines[0].net == 0 and result.total == 0


def test_the_quote_discount_is_shared_exactly_and_taxed_per_rate() -> None:
    lines = [
        LineInput(quantity=1, unit_price=100_000, tax_rate_bp=VAT),
        LineInput(quantity=1, unit_price=50_000, tax_rate_bp=0),  # zero-rated
    ]
    result = compute(lines, "percent", 1000)
    assert result.discount_total == 15_000
    assert [line.quote_discount_share for line in result.lines] == [10_000, 5_000]
    assert result.tax_by_rate == {0: 0, VAT: 9_000}
    assert result.total == 150_000 - 15_000 + 9_000


def test_shares_add_up_when_the_split_does_not_divide() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert sum(allocate(7, [3, 5, 11, 0])) == 7
    assert allocate(0, [1, 2]) == [0, 0] and allocate(5, [0, 0]) == [0, 0]


def test_percentages_parse_with_two_decimals_at_most() -> None:
    assert parse_percent("12.5%") == 1250 and parse_percent("10") == 1000 and parse_percent("0.25") == 25
    assert parse_percent("101%") is None and parse_percent("1.234") is None and parse_percent("abc") is None
