from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "inyeon.quotes"
    label = "quotes"
    verbose_name = "Quotes and contracts"
