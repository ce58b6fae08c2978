from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CoreConfig(AppConfig):
    name = "inyeon.core"
    label = "core"
    verbose_name = "Inyeon core"

    def ready(self) -> None:
        from inyeon.core import token_cache
        from inyeon.core.models import ApiToken, Team, User

        # A changed user, token or team may change what a remembered token may do.
        for model in (User, ApiToken, Team):
            post_save.connect(
                token_cache.forget_all, sender=model, dispatch_uid=f"token-cache-{model.__name__}"
            )
            post_delete.connect(
                token_cache.forget_all, sender=model, dispatch_uid=f"token-cache-del-{model.__name__}"
            )
