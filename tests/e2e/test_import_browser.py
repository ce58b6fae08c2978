"""End to end: a rep imports a Korean spreadsheet through the wizard in a real browser."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from inyeon.core.services import team_ensure, user_create
from inyeon.customers.models import Contact

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_rep_imports_a_cp949_file_fixes_nothing_and_sees_the_result(
    page: object, live_server: object, tmp_path: Path, settings: object
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    user_create(
        username="sora", password="a long demo password 3", role="sales_rep", team=team_ensure(name="마포팀")
    )
    upload = tmp_path / "회원목록.csv"
    upload.write_bytes(
        "성,이름,이메일,휴대폰,생년월일\n김,민수,MINSU@example.kr,010-2345-6789,1990.05.17\n이,서연,not-an-email,010-3456-7890,1991.01.01\n".encode(
            "cp949"
        )
    )
    url = live_server.url  # type: ignore[attr-defined]
    pg = page
    pg.goto(f"{url}/login/")  # type: ignore[attr-defined]
    pg.fill("#id_username", "sora")  # type: ignore[attr-defined]
    pg.fill("#id_password", "a long demo password 3")  # type: ignore[attr-defined]
    pg.click("button.primary")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{url}/")  # type: ignore[attr-defined]

    pg.click("nav.mainnav a:has-text('가져오기')")  # type: ignore[attr-defined]
    pg.select_option("#id_kind", "contacts")  # type: ignore[attr-defined]
    pg.set_input_files("#id_file", str(upload))  # type: ignore[attr-defined]
    pg.click("button:has-text('올리고 열 연결하기')")  # type: ignore[attr-defined]
    pg.wait_for_selector("h1:has-text('열 연결')")  # type: ignore[attr-defined]
    assert pg.input_value("#field_2") == "emails"  # type: ignore[attr-defined]  # suggested from 이메일
    assert "올바른 이메일 주소가 아닙니다." in pg.content()  # type: ignore[attr-defined]  # the preview's problem

    pg.check("input[name=mode][value=lenient]")  # type: ignore[attr-defined]
    pg.click("button:has-text('가져오기 시작')")  # type: ignore[attr-defined]
    pg.wait_for_selector("h1:has-text('가져오기 #')")  # type: ignore[attr-defined]
    call_command("db_worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())
    pg.wait_for_selector("text=완료", timeout=10_000)  # type: ignore[attr-defined]  # the page refreshes itself
    facts = pg.inner_text("dl.facts")  # type: ignore[attr-defined]
    assert "생성\n1" in facts and "잘못된 행\n1" in facts
    minsu = Contact.objects.get()
    assert (minsu.display_name, minsu.primary_email, minsu.primary_phone) == (
        "김민수",
        "minsu@example.kr",
        "+821023456789",
    )
