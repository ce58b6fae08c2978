from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "inyeon.web"
    label = "web"
    verbose_name = "Web UI"
