from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "tiepdan.followup"
    label = "followup"
    verbose_name = "Theo dõi, đôn đốc thực hiện kết luận"
