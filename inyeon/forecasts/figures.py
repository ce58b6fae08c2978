"""The figures of one forecast node (a rep, a team, the company): sums that add up node by node."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

OPEN_CATEGORIES = ("commit", "best_case", "pipeline")


@dataclass
class Figures:
    """Sums in minor units of one currency. `weighted_open` is Σ amount × probability / 100 over the
    open opportunities (each rounded down to a minor unit, so parts add up exactly)."""

    won_count: int = 0
    won: int = 0
    commit_count: int = 0
    commit: int = 0
    best_case_count: int = 0
    best_case: int = 0
    pipeline_count: int = 0
    pipeline: int = 0
    weighted_open: int = 0
    orders: int = 0  # completed orders credited to attainment (see attainment rule)

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def forecast_commit(self) -> int:
        """Closed-won plus open deals in the commit category."""
        return self.won + self.commit

    @property
    def forecast_best_case(self) -> int:
        """Commit plus open deals in the best-case category."""
        return self.forecast_commit + self.best_case

    @property
    def forecast_total(self) -> int:
        """Best case plus the rest of the open pipeline ("omitted" deals are never counted)."""
        return self.forecast_best_case + self.pipeline

    @property
    def weighted(self) -> int:
        """The weighted forecast: closed-won plus Σ amount × probability of the open deals."""
        return self.won + self.weighted_open

    @property
    def open_count(self) -> int:
        return self.commit_count + self.best_case_count + self.pipeline_count

    @property
    def attained(self) -> int:
        """Attainment toward a target: closed-won opportunities plus credited orders."""
        return self.won + self.orders

    def as_dict(self) -> dict[str, int]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(
            forecast_commit=self.forecast_commit,
            forecast_best_case=self.forecast_best_case,
            forecast_total=self.forecast_total,
            weighted=self.weighted,
            open_count=self.open_count,
            attained=self.attained,
        )
        return out


def percent(part: int, whole: int | None) -> Decimal | None:
    """`part` as a percentage of `whole`, two decimals; None without a positive whole."""
    if not whole or whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
