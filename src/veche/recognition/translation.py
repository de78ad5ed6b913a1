"""The texts of badges that a municipal admin gives in each language (django-modeltranslation), as the
municipalities' own texts are (`municipalities/translation.py`): Russian required, English optional."""

from modeltranslation.translator import TranslationOptions, register

from veche.recognition.models import BadgeRule


@register(BadgeRule)
class BadgeRuleTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"ru": ("name",)}
    empty_values = None
