"""Quote arithmetic in integer minor units; no Django, no floats.

The rule (docs/quotes.md):

1. A line's gross is quantity × unit price.
2. Its line discount is a percentage of the gross (rounded half up to the minor unit) or an amount
   (at most the gross). Net = gross − line discount. The subtotal is the sum of the nets.
3. The quote discount is a percentage of the subtotal (rounded half up) or an amount (at most the
   subtotal). It is shared among the lines in proportion to their nets, by the largest-remainder
   method, so the shares add up to it exactly and each tax rate is charged on a discounted base.
4. Tax is computed once per tax rate on the sum of that rate's discounted bases, rounded half up
   (Korean VAT is charged on the supply value of the invoice, not line by line).
5. Total = subtotal − quote discount + tax.

KRW has no minor unit, so "the minor unit" is the won; for USD it is the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

PERCENT = "percent"
AMOUNT = "amount"
BP = 10_000  # basis points in a whole


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (for the non-negative values quotes use)."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


def discount_of(base: int, kind: str, value: int) -> int:
    if kind == PERCENT:
        return round_half_up(base * min(value, BP), BP)
    if kind == AMOUNT:
        return min(value, base)
    return 0


@dataclass(frozen=True)
class LineInput:
    quantity: int
    unit_price: int
    tax_rate_bp: int
    discount_kind: str = ""
    discount_value: int = 0


@dataclass(frozen=True)
class LineResult:
    gross: int
    line_discount: int
    net: int
    quote_discount_share: int
    taxable: int


@dataclass(frozen=True)
class Totals:
    lines: list[LineResult]
    subtotal: int
    discount_total: int
    tax_by_rate: dict[int, int] = field(default_factory=dict)
    tax_total: int = 0
    total: int = 0


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split `amount` over `weights` proportionally; the parts add up to `amount` exactly."""
    total = sum(weights)
    if total == 0 or amount == 0:
        return [0] * len(weights)
    floors = [amount * w // total for w in weights]
    remainders = [amount * w % total for w in weights]
    left = amount - sum(floors)
    # Largest remainders first; ties go to the earlier line, so the result is deterministic.
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        floors[i] += 1
    return floors


def compute(lines: Sequence[LineInput], discount_kind: str = "", discount_value: int = 0) -> Totals:
    partial = []
    for line in lines:
        gross = line.quantity * line.unit_price
        line_discount = discount_of(gross, line.discount_kind, line.discount_value)
        partial.append((gross, line_discount, gross - line_discount))
    subtotal = sum(net for _gross, _disc, net in partial)
    quote_discount = discount_of(subtotal, discount_kind, discount_value)
    shares = allocate(quote_discount, [net for _gross, _disc, net in partial])
    results: list[LineResult] = []
    bases: dict[int, int] = {}
    for line, (gross, line_discount, net), share in zip(lines, partial, shares, strict=True):
        taxable = net - share
        results.append(LineResult(gross, line_discount, net, share, taxable))
        bases[line.tax_rate_bp] = bases.get(line.tax_rate_bp, 0) + taxable
    tax_by_rate = {rate: round_half_up(base * rate, BP) for rate, base in sorted(bases.items())}
    tax_total = sum(tax_by_rate.values())
    return Totals(
        lines=results,
        subtotal=subtotal,
        discount_total=quote_discount,
        tax_by_rate=tax_by_rate,
        tax_total=tax_total,
        total=subtotal - quote_discount + tax_total,
    )


def parse_percent(text: str) -> int | None:
    """'12.5' or '12.5%' → 1250 basis points; None when it is not a percentage from 0 to 100."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    if not cleaned:
        return None
    whole, _sep, frac = cleaned.partition(".")
    if not whole.isdigit() and whole != "":
        return None
    if frac and (not frac.isdigit() or len(frac) > 2):
        return None
    value = int(whole or "0") * 100 + int((frac + "00")[:2])
    return value if 0 <= value <= BP else None
