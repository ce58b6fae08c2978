from django.urls import include, path

from inyeon.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("inyeon.web.urls")),
]
