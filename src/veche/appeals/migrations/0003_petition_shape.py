"""Appeals share the petition shape: the threshold, the count and the signed appeal keep their data under the shared names."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("appeals", "0002_appeal_escalated_at"),
        ('municipalities', '0002_time_zone_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Constraints and indexes on the old names go first: a table SQLite rebuilds must not meet them.
        migrations.RemoveConstraint(
            model_name='appealsignature',
            name='appeal_signature_once',
        ),
        migrations.RemoveIndex(
            model_name='appeal',
            name='appeal_popular',
        ),
        migrations.RenameField(model_name="appeal", old_name="signature_threshold", new_name="threshold"),
        migrations.RenameField(model_name="appeal", old_name="signatures_count", new_name="endorsements_count"),
        migrations.RenameField(model_name="appealsignature", old_name="appeal", new_name="petition"),
        migrations.AlterField(
            model_name='appeal',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='%(class)ss', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='appeal',
            name='municipality',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='municipalities.municipality'),
        ),
        migrations.AlterField(
            model_name='appeal',
            name='threshold',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='appealsignature',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='appeal',
            index=models.Index(fields=['municipality', '-endorsements_count'], name='appeal_popular'),
        ),
        migrations.AddConstraint(
            model_name='appeal',
            constraint=models.CheckConstraint(condition=models.Q(('threshold__isnull', False)), name='appeal_has_threshold'),
        ),
        migrations.AddConstraint(
            model_name='appealsignature',
            constraint=models.UniqueConstraint(fields=('petition', 'user'), name='appeals_appealsignature_once'),
        ),
        migrations.AlterField(
            model_name="appealpolicy",
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
            model_name="appealpolicy",
            name="municipality",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="municipalities.municipality"
            ),
        ),
    ]
