"""Plain-language explanations of scores, for the value card."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inyeon.analytics.models import CustomerScore


def p_alive_sentence(score: CustomerScore) -> str:
    """One line on what P(alive) means for this customer."""
    if score.frequency == 0:
        return _("No purchase yet, so there is nothing to predict from.")
    percent = round(100 * score.p_alive)
    since = ngettext(
        "last purchase %(days)d day ago", "last purchase %(days)d days ago", score.recency_days
    ) % {"days": score.recency_days}
    orders = ngettext("%(n)d order", "%(n)d orders", score.frequency) % {"n": score.frequency}
    if score.p_alive >= 0.7:
        text = _(
            "Likely still buying: a %(p)d%% chance this customer is still active (%(orders)s, %(since)s)."
        )
    elif score.p_alive >= 0.3:
        text = _(
            "May be drifting away: a %(p)d%% chance this customer is still active (%(orders)s, %(since)s)."
        )
    else:
        text = _(
            "Probably lost: only a %(p)d%% chance this customer is still active (%(orders)s, %(since)s)."
        )
    return text % {"p": percent, "orders": orders, "since": since}
