from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "inyeon.sales"
    label = "sales"
    verbose_name = "Sales"
