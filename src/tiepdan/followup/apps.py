"""Follow-up of the conclusions: tasks given to agencies with working-day deadlines, their reports and results, reminders."""
from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "tiepdan.followup"
    label = "followup"
    verbose_name = "Theo dõi, đôn đốc thực hiện kết luận"

    def ready(self):
        from tiepdan.documents.registerbook import COLUMN_12_PROVIDERS  # here: the registries' modules import models (registry not ready at the top)
        from tiepdan.intake.selectors import AGENCY_MATTERS  # here: intake's selectors import its models
        from tiepdan.outcomes import hooks  # here: beside the other registries, read once the apps are ready

        from . import panels, registerbook, selectors, services  # here: they import followup's models, which need the app registry ready

        # Lower stages hold the registries; ready() may run more than once, so each is added once.
        for registry, hook in ((hooks.notice_issued, services.create_tasks_for_notice), (COLUMN_12_PROVIDERS, registerbook.column_12), (AGENCY_MATTERS, selectors.agency_matters)):
            if hook not in registry:
                registry.append(hook)
        panels.register()
