"""The JSON API under /api/v1/ (django-ninja)."""

from django.urls import path
from ninja import NinjaAPI

api = NinjaAPI(urls_namespace="api", title="Inyeon API", version="1")

urlpatterns = [path("", api.urls)]
