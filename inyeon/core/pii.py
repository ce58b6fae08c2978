"""Masking of personal data (phone, e-mail, address, birth date) for roles without the PII right."""

from __future__ import annotations

import datetime as dt

MASK = "•••"


def mask_email(value: str) -> str:
    if not value:
        return ""
    local, _, domain = value.partition("@")
    return f"{local[:1]}{MASK}@{domain}" if domain else MASK


def mask_phone(value: str) -> str:
    if not value:
        return ""
    return f"{value[:3]}{MASK}{value[-2:]}" if len(value) > 6 else MASK


def mask_text(value: str) -> str:
    return MASK if value else ""


def mask_birth_date(value: dt.date | None) -> str:
    return f"{value.year}-**-**" if value else ""
