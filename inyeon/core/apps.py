from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CoreConfig(AppConfig):
    name = "inyeon.core"
    label = "core"
    verbose_name = "Inyeon core"

    def ready(self) -> None:
        from inyeon.core import prepared, token_cache, visibility
        from inyeon.core.models import ApiToken, RecordShare, Team, User

        # A changed user, token or team may change what a remembered token may do, which records a
        # compiled visibility-scoped read reaches and whose shares are known: forget all three.
        for model in (User, ApiToken, Team):
            for receiver in (token_cache.forget_all, prepared.forget_all, visibility.forget_shares):
                uid = f"{receiver.__module__}-{model.__name__}"
                post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
                post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
        post_save.connect(visibility.forget_shares, sender=RecordShare, dispatch_uid="shares-save")
        post_delete.connect(visibility.forget_shares, sender=RecordShare, dispatch_uid="shares-delete")
