"""The personal iCalendar feed: a secret token URL, revocable, only the owner's records, no PII."""

from __future__ import annotations

from django.test import Client
from icalendar import Calendar

from inyeon.activities.models import CalendarFeedToken
from inyeon.activities.services import feed_token_create, feed_token_revoke
from inyeon.core.models import AccessLog, AuditLog
from inyeon.customers.services import record_share
from tests.calendar.helpers import meeting, task
from tests.conftest import Personas, login
from tests.factories import ContactFactory


def _components(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    cal = Calendar.from_ical(response.content)
    out: dict[str, list[str]] = {"VEVENT": [], "VTODO": []}
    for component in cal.walk():
        if component.name in out:
            out[component.name].append(str(component.get("summary")))
    return out


def test_the_feed_shows_the_owners_meetings_and_tasks_without_personal_data(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, display_name="김민수", primary_phone="+821012345678")
    meeting(people.alice, contact, subject="시연 미팅", remind_before_minutes=15)
    task(people.alice, contact, subject="견적 보내기")
    # Bob's meeting on a contact shared with Alice is his, not hers: not in her feed.
    bob_contact = ContactFactory(owner=people.bob)
    record_share(record_type="contact", record_id=bob_contact.pk, user=people.alice, actor=people.bob)
    meeting(people.bob, bob_contact, subject="밥의 미팅")
    _, raw = feed_token_create(user=people.alice)
    response = Client().get(f"/calendar/feed/{raw}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = _components(response)
    assert found == {"VEVENT": ["시연 미팅"], "VTODO": ["견적 보내기"]}
    text = response.content.decode()
    assert "김민수" in text and "강남 사무실" in text and "BEGIN:VALARM" in text
    assert "12345678" not in text and contact.primary_email not in text
    log = AccessLog.objects.get(detail="iCalendar feed")
    assert log.actor == people.alice and log.subject_ids == [contact.pk]
    assert CalendarFeedToken.objects.get(user=people.alice).last_used_at is not None


def test_a_revoked_or_replaced_token_stops_working(people: Personas) -> None:
    _, first = feed_token_create(user=people.alice)
    _, second = feed_token_create(user=people.alice)
    assert Client().get(f"/calendar/feed/{first}.ics").status_code == 404
    assert Client().get(f"/calendar/feed/{second}.ics").status_code == 200
    feed_token_revoke(user=people.alice)
    assert Client().get(f"/calendar/feed/{second}.ics").status_code == 404
    assert Client().get("/calendar/feed/ical_guess.ics").status_code == 404
    # Stored hashed only.
    assert not CalendarFeedToken.objects.filter(digest=second).exists()
    assert AuditLog.objects.filter(entity="calendar_feed_token", action="update").count() == 2


def test_the_url_is_shown_once_on_the_profile_page_and_can_be_turned_off(people: Personas) -> None:
    client = login(people.alice)
    assert 'value="revoke"' not in client.get("/calendar/feed/").content.decode()
    made = client.post("/calendar/feed/", {"action": "create"}).content.decode()
    token = CalendarFeedToken.objects.get(user=people.alice, revoked_at__isnull=True)
    assert f"/calendar/feed/{token.prefix}" in made
    again = client.get("/calendar/feed/").content.decode()
    assert f"/calendar/feed/{token.prefix}" not in again and token.prefix in again
    client.post("/calendar/feed/", {"action": "revoke"})
    assert not CalendarFeedToken.objects.filter(user=people.alice, revoked_at__isnull=True).exists()
    assert Client().get("/calendar/feed/").status_code == 302  # the page needs a login
