"""The data migration gives every municipality there is the default rules, the same as
`recognition.defaults` gives a municipality made later."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from veche.recognition import defaults
from veche.recognition.models import BadgeRule, PointRule

pytestmark = pytest.mark.django_db

migration = import_module("veche.recognition.migrations.0002_defaults")


def test_the_migrations_copy_of_the_defaults_is_the_defaults():
    assert [(d.action, d.points, d.daily_limit) for d in defaults.POINTS] == migration.POINTS
    assert [
        (d.code, d.condition, d.threshold, d.name_ru, d.name_en) for d in defaults.BADGES
    ] == migration.BADGES


def test_the_migration_gives_each_municipality_its_rules_once(municipality, other_municipality):
    editor = SimpleNamespace(connection=connection)
    migration.make_defaults(apps, editor)
    migration.make_defaults(apps, editor)  # again: nothing twice

    for place in (municipality, other_municipality):
        assert PointRule.objects.filter(municipality=place).count() == 5
        badges = BadgeRule.objects.filter(municipality=place)
        assert badges.count() == 5
        assert badges.get(code="first-fix").title == "Первое исправление"
