from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "inyeon.catalog"
    label = "catalog"
    verbose_name = "Catalogue"
