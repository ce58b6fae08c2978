from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "inyeon.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from inyeon.documents.registry import register_customer_types

        register_customer_types()
