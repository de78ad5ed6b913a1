"""The roll-ups analytics keeps itself: monthly facts per municipality, the people active in each
month, and how far into each source table the last roll-up read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Watermark(models.Model):
    """The last row of one source that the roll-up has counted; the next run reads past it."""

    source = models.CharField(max_length=60, unique=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source"]

    def __str__(self) -> str:
        return f"{self.source} > {self.last_id}"


class MonthlyFact(models.Model):
    """One number of one municipality in one month (the municipality's own calendar).

    `metric` names what is counted (see sources.py), `key` splits it (a kind of contribution, or
    "department|district|category" for the network of interaction), `bucket` splits it once more
    where a median is needed (answer times in whole hours). Values are sums, so a month's figure
    is the sum over its rows and a period's the sum over its months."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField()
    metric = models.CharField(max_length=40)
    key = models.CharField(max_length=100, blank=True, default="")
    bucket = models.IntegerField(default=0)
    value = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["municipality", "metric", "month", "key", "bucket"]
        verbose_name = _("monthly fact")
        verbose_name_plural = _("monthly facts")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "metric", "month", "key", "bucket"], name="analytics_fact_unique"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.municipality_id} {self.month:%Y-%m} {self.metric} {self.key} {self.bucket}: {self.value}"
        )


class MonthlyParticipant(models.Model):
    """A person who took part in a municipality in a month, and how many times: active
    participants are the rows of a month, repeat participants those with more than one action
    in a period."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    actions = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["municipality", "month", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "month", "user"], name="analytics_participant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.month:%Y-%m} {self.user_id}: {self.actions}"


class PeriodFigure(models.Model):
    """A figure of a whole period that cannot be summed from monthly rows (repeat participants: a
    person active in two months is one person), kept by the roll-up for the periods the pages offer
    (`veche.analytics.periods.offered_periods`) so that the pages need not sum the people's rows."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    start = models.DateField()
    end = models.DateField()
    metric = models.CharField(max_length=40)
    value = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["municipality", "start", "end", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "start", "end", "metric"], name="analytics_period_figure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.start:%Y-%m}..{self.end:%Y-%m} {self.metric}: {self.value}"
