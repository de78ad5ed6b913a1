from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "veche.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from veche.ops import tasks

        tasks.connect()
