from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "inyeon.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from inyeon.documents.registry import register_customer_types, register_sales_types
        from inyeon.documents.sniff import KNOWN_TYPES

        unknown = sorted(set(settings.INYEON_DOCUMENT_TYPES) - set(KNOWN_TYPES))
        if unknown:
            raise ImproperlyConfigured(
                f"INYEON_DOCUMENT_TYPES names unknown types {', '.join(unknown)}; "
                f"known: {', '.join(KNOWN_TYPES)}"
            )
        register_customer_types()
        register_sales_types()
