"""A quote as a printable PDF (reportlab), in Korean or English.

Fonts: an embedded TrueType font when one is installed (Debian's `fonts-nanum`, or the file named by
INYEON_PDF_FONT); otherwise reportlab's built-in Korean CID font `HYGothic-Medium`, which needs no
font file at all (PDF readers supply the glyphs from their Adobe-Korea1 fonts). So the PDF works
offline on a fresh machine, and better with a font installed.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from inyeon.core.money import format_money
from inyeon.quotes.models import Quote, QuoteLine, QuoteVersion
from inyeon.quotes.totals import discount_of

CID_FONT = "HYGothic-Medium"
TTF_CANDIDATES = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
)


@lru_cache(maxsize=4)
def font_name(configured: str | None = None) -> str:
    """Register and name the font to use: a TrueType file if one loads, else the CID font."""
    candidates = [configured] if configured else []
    candidates += list(TTF_CANDIDATES)
    for path in candidates:
        if path and Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont("InyeonKorean", path))
            except (TTFError, OSError):
                continue
            return "InyeonKorean"
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def configured_font() -> str | None:
    return getattr(settings, "INYEON_PDF_FONT", "") or None


def company() -> dict[str, str]:
    """The sender printed in the header (INYEON_COMPANY_* settings)."""
    default = {"name": "인연 CRM (Inyeon)", "address": "", "phone": "", "email": settings.DEFAULT_FROM_EMAIL}
    return {**default, **getattr(settings, "INYEON_COMPANY", {})}


def _customer_name(quote: Quote) -> str:
    parts = []
    if quote.account is not None:
        parts.append(quote.account.name)
    if quote.contact is not None:
        parts.append(quote.contact.display_name)
    return " · ".join(parts)


def _discount_label(kind: str, value: int, base: int, currency: str) -> str:
    if not kind:
        return ""
    amount = discount_of(base, kind, value)
    if kind == "percent":
        whole, part = divmod(value, 100)
        pct = f"{whole}.{part:02d}".rstrip("0").rstrip(".")
        return f"{pct}% (−{format_money(amount, currency)})"
    return f"−{format_money(amount, currency)}"


def render_quote_pdf(quote: Quote, version: QuoteVersion, lines: list[QuoteLine]) -> bytes:
    """The PDF of one version of `quote`, in the quote's document language."""
    font = font_name(configured_font())
    with translation.override(quote.language or "ko"):
        return _render(quote, version, lines, font)


def _render(quote: Quote, version: QuoteVersion, lines: list[QuoteLine], font: str) -> bytes:
    lang = quote.language or "ko"
    cur = quote.currency
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=24)
    heading = ParagraphStyle("heading", parent=body, fontSize=11, leading=16)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    who = company()
    story: list = [
        p(who["name"], heading),
        p(" · ".join(v for v in (who["address"], who["phone"], who["email"]) if v), small),
        Spacer(1, 6 * mm),
        p(_("Quotation"), title),
        Spacer(1, 3 * mm),
    ]
    meta = [
        [p(_("Quote number")), p(f"{quote.number} (v{version.number})")],
        [p(_("Date")), p((version.sent_at or version.created_at).date().isoformat())],
        [p(_("Customer")), p(_customer_name(quote))],
        [p(_("Valid until")), p(quote.valid_until.isoformat())],
    ]
    if quote.title:
        meta.append([p(_("Title")), p(quote.title)])
    story.append(Table(meta, colWidths=[35 * mm, 140 * mm], hAlign="LEFT"))
    story.append(Spacer(1, 6 * mm))

    header = [_("#"), _("Item"), _("Qty"), _("Unit price"), _("Discount"), _("Tax"), _("Amount")]
    rows: list[list] = [[p(h) for h in header]]
    for line in lines:
        label = line.description
        if line.product is not None:
            name = line.product.name_en if lang == "en" and line.product.name_en else line.product.name_ko
            label = f"{line.product.code} {name}" if not line.description else line.description
        rows.append(
            [
                p(str(line.position)),
                p(label),
                p(f"{line.quantity:,}"),
                p(format_money(line.unit_price, cur, lang)),
                p(_discount_label(line.discount_kind, line.discount_value, line.gross, cur)),
                p(_tax_label(line.tax_rate_bp)),
                p(format_money(line.net, cur, lang)),
            ]
        )
    table = Table(
        rows, colWidths=[8 * mm, 62 * mm, 14 * mm, 28 * mm, 24 * mm, 12 * mm, 30 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm)]
    sums = [[p(_("Subtotal")), p(format_money(version.subtotal, cur, lang))]]
    if version.discount_total:
        label = _("Discount")
        if version.discount_kind == "percent":
            label += (
                " " + _discount_label("percent", version.discount_value, version.subtotal, cur).split(" ")[0]
            )
        sums.append([p(label), p("−" + format_money(version.discount_total, cur, lang))])
    sums.append([p(_("Tax (VAT)")), p(format_money(version.tax_total, cur, lang))])
    sums.append([p(_("Total"), heading), p(format_money(version.total, cur, lang), heading)])
    totals_table = Table(sums, colWidths=[40 * mm, 40 * mm], hAlign="RIGHT")
    totals_table.setStyle(TableStyle([("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black)]))
    story += [totals_table, Spacer(1, 6 * mm)]
    if quote.terms:
        story += [p(_("Terms"), heading), p(quote.terms), Spacer(1, 3 * mm)]
    if quote.notes:
        story += [p(_("Notes"), heading), p(quote.notes)]
    story += [
        Spacer(1, 6 * mm),
        p(_("This quotation is valid until %(d)s.") % {"d": quote.valid_until.isoformat()}, small),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{quote.number} v{version.number}",
        author=who["name"],
    )
    doc.build(story)
    return buffer.getvalue()


def _tax_label(rate_bp: int) -> str:
    whole, part = divmod(rate_bp, 100)
    return f"{whole}.{part:02d}".rstrip("0").rstrip(".") + "%"
