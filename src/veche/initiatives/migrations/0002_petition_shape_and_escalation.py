"""Initiatives share the petition shape: the threshold, the count and the supported initiative keep their data under the shared names; an overdue answer is escalated once (escalated_at)."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("initiatives", "0001_initial"),
        ('municipalities', '0002_time_zone_names'),
        ('polls', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Constraints and indexes on the old names go first: a table SQLite rebuilds must not meet them.
        migrations.RemoveConstraint(
            model_name='initiative',
            name='initiative_published_has_goal',
        ),
        migrations.RemoveConstraint(
            model_name='initiativesupport',
            name='initiative_support_once',
        ),
        migrations.RemoveIndex(
            model_name='initiative',
            name='initiative_popular',
        ),
        migrations.RenameField(model_name="initiative", old_name="support_threshold", new_name="threshold"),
        migrations.RenameField(model_name="initiative", old_name="supporters_count", new_name="endorsements_count"),
        migrations.RenameField(model_name="initiativesupport", old_name="initiative", new_name="petition"),
        migrations.AddField(
            model_name='initiative',
            name='escalated_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='initiative',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='%(class)ss', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='initiative',
            name='municipality',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='municipalities.municipality'),
        ),
        migrations.AlterField(
            model_name='initiativesupport',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='initiative',
            index=models.Index(fields=['municipality', '-endorsements_count'], name='initiative_popular'),
        ),
        migrations.AddConstraint(
            model_name='initiative',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), models.Q(('published_at__isnull', False), ('support_ends_at__isnull', False), ('threshold__isnull', False)), _connector='OR'), name='initiative_published_has_goal'),
        ),
        migrations.AddConstraint(
            model_name='initiativesupport',
            constraint=models.UniqueConstraint(fields=('petition', 'user'), name='initiatives_initiativesupport_once'),
        ),
        migrations.AlterField(
            model_name="initiativepolicy",
            name="answer_days",
            field=models.PositiveSmallIntegerField(
                default=30,
                help_text="Counted from the day the threshold is reached.",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(120),
                ],
                verbose_name="answer deadline, working days",
            ),
        ),
        migrations.AlterField(
            model_name="initiativepolicy",
            name="municipality",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="municipalities.municipality"
            ),
        ),
    ]
