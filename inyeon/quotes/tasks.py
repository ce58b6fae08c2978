"""Background jobs of quotes and contracts (Django Tasks API; run by `inyeon db_worker`)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from inyeon.core.models import User
from inyeon.quotes import selectors, services
from inyeon.quotes.pdf import company, render_quote_pdf


@task()
def quote_email_task(quote_id: int, version: int, actor_id: int) -> str:
    """E-mail one sent version of a quote, PDF attached; returns the recipient's domain.

    Reads the quote as the user who sent it (through the selector), so a job cannot mail what its
    user could not see.
    """
    actor = User.objects.get(pk=actor_id)
    quote = selectors.quote_get(user=actor, pk=quote_id)
    quote_version = selectors.quote_version(quote, version)
    recipient = services.quote_recipient(quote)
    pdf = render_quote_pdf(quote, quote_version, selectors.version_lines(quote_version))
    with translation.override(quote.language or "ko"):
        subject = _("Quotation %(n)s") % {"n": quote.number}
        body = _(
            "Please find attached our quotation %(n)s (version %(v)d), valid until %(d)s.\n\n%(company)s"
        ) % {
            "n": quote.number,
            "v": version,
            "d": quote.valid_until.isoformat(),
            "company": company()["name"],
        }
    message = EmailMessage(
        subject=subject, body=body, to=[recipient], reply_to=[actor.email] if actor.email else None
    )
    message.attach(f"{quote.number}-v{version}.pdf", pdf, "application/pdf")
    message.send()
    services.quote_email_record(quote=quote, version=version, recipient=recipient, actor=actor)
    return recipient.rpartition("@")[2]


@task()
def quotes_daily_task() -> dict[str, int]:
    """The daily job: expire lapsed quotes, renew or expire ended contracts, create renewal reminders."""
    return services.daily_jobs()
