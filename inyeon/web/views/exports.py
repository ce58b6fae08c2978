"""Pages for exports (data in and out). Their routes are in `urlpatterns` below, added by web/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
