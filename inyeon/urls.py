from django.urls import include, path

from inyeon.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("inyeon.api.urls")),
    path("", include("inyeon.web.urls")),
]
