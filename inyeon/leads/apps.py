from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "inyeon.leads"
    label = "leads"
    verbose_name = "Leads"
