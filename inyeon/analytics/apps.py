from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "inyeon.analytics"
    label = "analytics"
    verbose_name = "Analytics"
