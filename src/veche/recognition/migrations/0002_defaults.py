# The rules of the municipalities there are, by hand: each starts with the defaults its municipal admin
# then tunes (a municipality made later gets them when first needed: services.recognition_rules_ensure).

from django.db import migrations

# A copy of recognition.defaults as it stood: what this migration wrote stays what it wrote.
POINTS = [
    ("report_fixed", 10, 5),
    ("idea_selected", 20, 5),
    ("amendment_accepted", 10, 5),
    ("vote_cast", 1, 20),
    ("monitoring_report", 5, 3),
]
BADGES = [
    ("first-fix", "reports_fixed", 1, "Первое исправление", "First report fixed"),
    ("ten-fixed", "reports_fixed", 10, "Десять исправлений", "Ten reports fixed"),
    ("every-poll", "voted_every_poll_of_year", 1, "Голос в каждом опросе года", "Voted in every poll of a year"),
    ("idea-taken-up", "ideas_selected", 1, "Идея принята", "Idea taken up"),
    ("co-financed", "cofinanced", 1, "Софинансирование проекта", "Co-financed a project"),
]


def make_defaults(apps, schema_editor):
    Municipality = apps.get_model("municipalities", "Municipality")
    PointRule = apps.get_model("recognition", "PointRule")
    BadgeRule = apps.get_model("recognition", "BadgeRule")
    alias = schema_editor.connection.alias
    ids = list(Municipality.objects.using(alias).values_list("pk", flat=True))
    PointRule.objects.using(alias).bulk_create(
        [
            PointRule(municipality_id=pk, action=action, points=points, daily_limit=limit, active=True)
            for pk in ids
            for action, points, limit in POINTS
        ],
        ignore_conflicts=True,
    )
    BadgeRule.objects.using(alias).bulk_create(
        [
            BadgeRule(
                municipality_id=pk,
                code=code,
                condition=condition,
                threshold=threshold,
                name=name_ru,
                name_ru=name_ru,
                name_en=name_en,
                active=True,
            )
            for pk in ids
            for code, condition, threshold, name_ru, name_en in BADGES
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("recognition", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(make_defaults, migrations.RunPython.noop),
    ]
