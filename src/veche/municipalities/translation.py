"""The texts of municipalities that staff give in each language (django-modeltranslation).

Russian is required; English may be left empty, and is then stored as NULL (`empty_values`), so that
two departments without an English name do not collide on the per-language unique constraint.
"""

from modeltranslation.translator import TranslationOptions, register

from veche.municipalities.models import Category, Department, District, Municipality


@register(Municipality)
class MunicipalityTranslation(TranslationOptions):
    fields = ("name", "region")
    # A name is needed in Russian, the site's first language; English may wait (Russian shows then).
    required_languages = ("ru",)
    empty_values = None


@register(District)
class DistrictTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ru",)
    empty_values = None


@register(Department)
class DepartmentTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ru",)
    empty_values = None


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("ru",)
    empty_values = None
