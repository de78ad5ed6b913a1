from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "veche.access"
    label = "access"
