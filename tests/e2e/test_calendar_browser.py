"""End to end: a rep schedules a meeting with a reminder, finds it on the calendar, attaches a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from inyeon.core.services import team_ensure, user_create
from inyeon.customers.models import Activity
from inyeon.documents.models import Document
from tests.factories import ContactFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_rep_schedules_a_meeting_sees_it_on_the_calendar_and_attaches_a_file(
    page: object, live_server: object, tmp_path: Path, settings: object
) -> None:
    settings.INYEON_DOCUMENT_ROOT = tmp_path / "documents"  # type: ignore[attr-defined]
    sora = user_create(
        username="sora", password="a long demo password 3", role="sales_rep", team=team_ensure(name="마포팀")
    )
    contact = ContactFactory(owner=sora, team=sora.team, display_name="박서준")
    day = timezone.localdate() + dt.timedelta(days=1)
    url = live_server.url  # type: ignore[attr-defined]
    pg = page
    pg.goto(f"{url}/login/")  # type: ignore[attr-defined]
    pg.fill("#id_username", "sora")  # type: ignore[attr-defined]
    pg.fill("#id_password", "a long demo password 3")  # type: ignore[attr-defined]
    pg.click("button.primary")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{url}/")  # type: ignore[attr-defined]

    pg.goto(f"{url}/contacts/{contact.pk}/")  # type: ignore[attr-defined]
    pg.click("details.addactivity summary")  # type: ignore[attr-defined]
    pg.select_option("details.addactivity #id_kind", "meeting")  # type: ignore[attr-defined]
    pg.fill("details.addactivity #id_subject", "신제품 시연")  # type: ignore[attr-defined]
    pg.fill("#id_starts_at", f"{day.isoformat()}T10:00")  # type: ignore[attr-defined]
    pg.fill("#id_ends_at", f"{day.isoformat()}T11:30")  # type: ignore[attr-defined]
    pg.fill("#id_location", "성수동 쇼룸")  # type: ignore[attr-defined]
    pg.select_option("#id_remind_before_minutes", "60")  # type: ignore[attr-defined]
    pg.click("details.addactivity button[type=submit]")  # type: ignore[attr-defined]
    pg.wait_for_selector("text=성수동 쇼룸")  # type: ignore[attr-defined]  # on the timeline
    meeting = Activity.objects.get(subject="신제품 시연")
    assert meeting.remind_before_minutes == 60 and meeting.remind_at is not None

    pg.set_input_files(
        "#documents input[type=file]",
        {"name": "제안서.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"},
    )  # type: ignore[attr-defined]
    pg.click("#documents button:has-text('올리기')")  # type: ignore[attr-defined]
    pg.wait_for_selector("#documents a:has-text('제안서.pdf')")  # type: ignore[attr-defined]
    assert Document.objects.get().file_name == "제안서.pdf"

    pg.click("nav.mainnav a:has-text('일정')")  # type: ignore[attr-defined]
    pg.goto(f"{url}/calendar/?view=week&date={day.isoformat()}")  # type: ignore[attr-defined]
    pg.click("table.calendar a:has-text('신제품 시연')")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{url}/contacts/{contact.pk}/")  # type: ignore[attr-defined]
