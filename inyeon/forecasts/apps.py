from django.apps import AppConfig


class ForecastsConfig(AppConfig):
    name = "inyeon.forecasts"
    label = "forecasts"
    verbose_name = "Forecasts"
