"""Forecast periods: a month (`2026-11`) or a quarter (`2026-Q4`), as half-open date ranges."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MONTH = "month"
QUARTER = "quarter"
PERIOD_KINDS = (MONTH, QUARTER)

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER_RE = re.compile(r"^(\d{4})-[Qq]([1-4])$")


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date  # first day
    end: dt.date  # first day of the next period (exclusive)

    @property
    def key(self) -> str:
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def previous(self) -> Period:
        return period_containing(self.start - dt.timedelta(days=1), self.kind)

    def next(self) -> Period:
        return period_containing(self.end, self.kind)

    def __str__(self) -> str:
        return self.key


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_containing(day: dt.date, kind: str = QUARTER) -> Period:
    if kind == QUARTER:
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return Period(QUARTER, start, _add_months(start, 3))
    start = dt.date(day.year, day.month, 1)
    return Period(MONTH, start, _add_months(start, 1))


def period_for(kind: str, start: dt.date) -> Period:
    """The period of `kind` that begins on `start`; a ValueError when `start` does not begin one."""
    period = period_containing(start, kind)
    if period.start != start:
        raise ValueError(start)
    return period


def parse_period(value: str | None, *, field: str = "period", today: dt.date | None = None) -> Period:
    """`2026-Q4` or `2026-11`; empty means the current quarter. Bad text names `field`."""
    text = (value or "").strip()
    if not text:
        return period_containing(today or dt.date.today(), QUARTER)
    match = _QUARTER_RE.match(text)
    if match:
        return period_for(QUARTER, dt.date(int(match[1]), 3 * (int(match[2]) - 1) + 1, 1))
    match = _MONTH_RE.match(text)
    if match and 1 <= int(match[2]) <= 12 and int(match[1]) >= 1900:
        return period_for(MONTH, dt.date(int(match[1]), int(match[2]), 1))
    raise ValidationError({field: _("Enter a period as YYYY-Qn (a quarter) or YYYY-MM (a month).")})
