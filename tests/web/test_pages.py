from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from inyeon.core.models import AccessLog, AuditLog
from inyeon.customers.models import Contact, ContactEmail
from tests.conftest import Personas, login
from tests.factories import ActivityFactory, ContactFactory


def test_the_login_page_is_korean_by_default_and_english_on_request(db: None) -> None:
    assert "로그인" in Client().get(reverse("web:login")).content.decode()
    english = Client(headers={"Accept-Language": "en"}).get(reverse("web:login")).content.decode()
    assert "Sign in" in english
    assert "로그인" not in english.replace("한국어", "")


def test_the_language_cookie_wins_over_the_browser(db: None) -> None:
    client = Client(headers={"Accept-Language": "ko"})
    client.post(reverse("web:set_language"), {"language": "en", "next": "/login/"})
    assert "Sign in" in client.get(reverse("web:login")).content.decode()


def test_switching_language_is_remembered_on_the_user(people: Personas) -> None:
    client = login(people.alice)
    client.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    people.alice.refresh_from_db()
    assert people.alice.language == "en"
    assert ">Contacts<" in client.get(reverse("web:home")).content.decode()


def test_pages_need_a_signed_in_user(db: None) -> None:
    response = Client().get(reverse("web:contacts"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_signing_in_with_the_right_password_reaches_home(people: Personas) -> None:
    client = Client()
    response = client.post(
        reverse("web:login"), {"username": "alice", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


def test_repeated_failures_lock_the_login_until_the_cool_off(people: Personas, settings: object) -> None:
    from unittest import mock

    from django.utils import timezone

    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):  # type: ignore[attr-defined]
        client.post(reverse("web:login"), {"username": "alice", "password": "wrong"})
    locked = client.post(
        reverse("web:login"), {"username": "alice", "password": "correct horse battery staple"}
    )
    assert locked.status_code == 429
    assert "로그인 실패가 너무 많습니다" in locked.content.decode()
    later = timezone.now() + timezone.timedelta(hours=1)
    with (
        mock.patch("axes.attempts.now", return_value=later),
        mock.patch("axes.handlers.proxy.now", return_value=later),
    ):
        response = client.post(
            reverse("web:login"), {"username": "alice", "password": "correct horse battery staple"}
        )
    assert response.status_code == 302


def test_the_contact_list_shows_only_visible_contacts(people: Personas) -> None:
    ContactFactory(owner=people.alice, given_name="앨리스고객")
    ContactFactory(owner=people.bob, given_name="밥고객")
    alice_page = login(people.alice).get(reverse("web:contacts")).content.decode()
    assert "앨리스고객" in alice_page
    assert "밥고객" not in alice_page
    carol_page = login(people.carol).get(reverse("web:contacts")).content.decode()
    assert "앨리스고객" in carol_page
    assert "밥고객" in carol_page
    oscar_page = login(people.oscar).get(reverse("web:contacts")).content.decode()
    assert "고객" not in oscar_page.split("<tbody>")[1].split("</tbody>")[0].replace(
        "조건에 맞는 고객이 없습니다", ""
    )


def test_another_reps_contact_pages_are_404(people: Personas) -> None:
    bobs = ContactFactory(owner=people.bob)
    client = login(people.alice)
    for name in ("web:contact", "web:contact_edit"):
        assert client.get(reverse(name, args=[bobs.pk])).status_code == 404
    assert client.post(reverse("web:contact_consent", args=[bobs.pk]), {}).status_code == 404
    assert client.post(reverse("web:contact_activity", args=[bobs.pk]), {}).status_code == 404


@pytest.mark.parametrize("query", ["김민", "ㄱㅁㅅ"])
def test_search_finds_a_korean_name_by_prefix_and_initials(people: Personas, query: str) -> None:
    ContactFactory(owner=people.alice, family_name="김", given_name="민수")
    ContactFactory(owner=people.alice, family_name="박", given_name="서연")
    page = login(people.alice).get(reverse("web:contacts"), {"q": query}).content.decode()
    assert "김민수" in page
    assert "박서연" not in page


@pytest.mark.parametrize("persona", ["dave", "erin", "rita"])
def test_personal_data_is_masked_in_html_for_roles_without_the_right(people: Personas, persona: str) -> None:
    contact = ContactFactory(
        owner=people.bob, primary_email="secret@example.kr", primary_phone="+821055512345"
    )
    client = login(getattr(people, persona))
    for url in (reverse("web:contacts"), reverse("web:contact", args=[contact.pk])):
        html = client.get(url).content.decode()
        assert "secret@example.kr" not in html
        assert "5551" not in html
    assert not AccessLog.objects.exists()


def test_unmasked_views_are_written_to_the_access_log(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, primary_email="minsu@example.kr")
    html = login(people.alice).get(reverse("web:contact", args=[contact.pk])).content.decode()
    assert "minsu@example.kr" in html
    log = AccessLog.objects.get(action="view")
    assert (log.actor, log.subject_ids) == (people.alice, [contact.pk])


def test_the_form_shows_every_bad_field_and_writes_nothing(people: Personas) -> None:
    client = login(people.alice)
    before = (Contact.objects.count(), ContactEmail.objects.count(), AuditLog.objects.count())
    response = client.post(
        reverse("web:contact_create"),
        {
            "display_name": "홍길동",
            "emails": "bad@",
            "phones": "12",
            "lifecycle_stage": "prospect",
            "language": "ko",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "올바른 이메일 주소가 아닙니다" in errors["emails"][0]
    assert "올바른 전화번호가 아닙니다" in errors["phones"][0]
    assert (Contact.objects.count(), ContactEmail.objects.count(), AuditLog.objects.count()) == before


def test_creating_a_contact_in_korean_splits_the_name(people: Personas) -> None:
    response = login(people.alice).post(
        reverse("web:contact_create"),
        {
            "display_name": "남궁민수",
            "emails": "mk@example.kr",
            "phones": "010-9876-5432",
            "lifecycle_stage": "prospect",
            "language": "ko",
            "address_line1": "서울특별시 강남구 테헤란로 1",
            "address_postal_code": "06234",
            "address_country": "KR",
        },
    )
    contact = Contact.objects.get()
    assert response["Location"] == reverse("web:contact", args=[contact.pk])
    assert (contact.family_name, contact.given_name) == ("남궁", "민수")
    assert contact.primary_phone == "+821098765432"
    assert contact.addresses.get().postal_code == "06234"


def test_a_stale_edit_shows_a_conflict_and_writes_nothing(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, job_title="대리")
    client = login(people.alice)
    form = {
        "display_name": contact.display_name,
        "lifecycle_stage": "prospect",
        "language": "ko",
        "job_title": "과장",
        "version": contact.version,
    }
    assert client.post(reverse("web:contact_edit", args=[contact.pk]), form).status_code == 302
    stale = client.post(reverse("web:contact_edit", args=[contact.pk]), {**form, "job_title": "부장"})
    assert "다른 사용자가 이 고객 정보를 변경했습니다" in stale.content.decode()
    contact.refresh_from_db()
    assert contact.job_title == "과장"


def test_consent_grant_then_withdrawal_shows_on_the_page_and_timeline(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = login(people.alice)
    url = reverse("web:contact_consent", args=[contact.pk])
    client.post(url, {"channel": "sms", "status": "granted", "purpose": "이벤트 안내", "source": "매장"})
    page = client.get(reverse("web:contact", args=[contact.pk])).content.decode()
    assert "badge ok" in page
    client.post(url, {"channel": "sms", "status": "withdrawn", "purpose": "수신 거부", "source": "전화"})
    page = client.get(reverse("web:contact", args=[contact.pk])).content.decode()
    assert "badge no" in page
    assert page.count("tl-consent") == 2


def test_a_consent_without_purpose_is_refused(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = login(people.alice)
    response = client.post(
        reverse("web:contact_consent", args=[contact.pk]),
        {"channel": "sms", "status": "granted", "source": "x"},
        follow=True,
    )
    assert "purpose" in response.content.decode()
    assert contact.consents.count() == 0


def test_an_added_activity_appears_on_the_timeline(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = login(people.alice)
    client.post(
        reverse("web:contact_activity", args=[contact.pk]), {"kind": "call", "subject": "재구매 안내 전화"}
    )
    assert "재구매 안내 전화" in client.get(reverse("web:contact", args=[contact.pk])).content.decode()


def test_the_audit_pages_are_for_admins_only(people: Personas) -> None:
    ContactFactory(owner=people.alice)
    assert login(people.root).get(reverse("web:audit")).status_code == 200
    assert login(people.root).get(reverse("web:access_log")).status_code == 200
    assert login(people.alice).get(reverse("web:audit")).status_code == 404
    assert login(people.carol).get(reverse("web:access_log")).status_code == 404


def test_the_contact_list_uses_a_fixed_number_of_queries(
    people: Personas, django_assert_max_num_queries
) -> None:
    for _ in range(40):
        ContactFactory(owner=people.alice)
    client = login(people.alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("web:contacts"))
    assert response.status_code == 200


def test_home_shows_my_open_tasks(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    ActivityFactory(contact=contact, kind="task", subject="견적서 보내기")
    assert "견적서 보내기" in login(people.alice).get(reverse("web:home")).content.decode()
