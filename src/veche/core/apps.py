from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "veche.core"
    label = "core"
