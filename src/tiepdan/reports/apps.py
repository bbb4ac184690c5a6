from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ReportsConfig(AppConfig):
    name = "tiepdan.reports"
    label = "reports"

    def ready(self):
        from tiepdan.organisations.models import Organisation  # why: models need the app registry ready

        from . import selectors  # why: it imports organisations' models, for the same reason

        for signal in (post_save, post_delete):
            signal.connect(selectors.organisations_changed, sender=Organisation, dispatch_uid=f"reports-scope-options-{signal is post_save}")
