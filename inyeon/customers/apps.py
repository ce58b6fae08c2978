from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "inyeon.customers"
    label = "customers"
    verbose_name = "Customers"
