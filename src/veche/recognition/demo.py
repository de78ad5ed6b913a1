"""Demo consent to the public boards: the points and badges came with the other apps' demo activity
(each went through the services, which award them); in each municipality the five residents with the
most points chose to appear on its board, the others did not (the default), so both show."""

from typing import TextIO

from django.db.models import Sum

from veche.accounts.models import User
from veche.municipalities.models import Municipality
from veche.recognition.models import PointEntry
from veche.recognition.services import board_consent_set

SHOWN = 5


def load(stdout: TextIO) -> None:
    for municipality in Municipality.objects.order_by("pk"):
        top = (
            PointEntry.objects.filter(municipality=municipality, user__memberships__isnull=True)
            .values("user_id")
            .annotate(total=Sum("points"))
            .order_by("-total", "user_id")[:SHOWN]
        )
        for user in User.objects.filter(pk__in=[row["user_id"] for row in top]):
            board_consent_set(user=user, municipality=municipality, shown=True)
