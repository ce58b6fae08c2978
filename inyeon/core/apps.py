from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "inyeon.core"
    label = "core"
    verbose_name = "Inyeon core"
