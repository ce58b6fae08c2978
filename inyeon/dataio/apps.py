from django.apps import AppConfig


class DataioConfig(AppConfig):
    name = "inyeon.dataio"
    label = "dataio"
    verbose_name = "Data in and out"
