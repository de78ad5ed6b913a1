"""What the demo of every petition kind does: load once and fill each city with its admin and verified
residents, endorse one a day, comment in Moscow, then run the kind's scheduled work."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TextIO

from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from veche.accounts.models import User
from veche.comments.services import comment_create
from veche.municipalities.demo import PASSWORD, verified_residents
from veche.municipalities.models import Municipality
from veche.petitions.services import PetitionRules, petition_endorse

# Fill one city: (municipality, its admin, its verified residents, now) → whether it was filled.
Fill = Callable[[Municipality, User, list[User], datetime], bool]


def load_in_each_city(
    stdout: TextIO,
    model: type[models.Model],
    fill: Fill,
    *,
    residents: tuple[list[str], int],
    then: Callable[..., int],
    says: str,
) -> None:
    """Load a kind's demo, unless `model` has rows already: `fill` each active municipality that has an
    admin (`<slug>-admin`), with its verified residents (Moscow's named in `residents`, so many elsewhere:
    `verified_residents`); then `then(now=now)`, the kind's scheduled work, and write `says` with
    {cities} filled and what `then` {did}."""
    if model._default_manager.exists():
        stdout.write(f"  {model._meta.app_label} already loaded")
        return
    now = timezone.now()
    password_hash = make_password(PASSWORD)
    moscow, count = residents
    cities = 0
    for municipality in Municipality.objects.filter(is_active=True).order_by("pk"):
        admin = User.objects.filter(username=f"{municipality.slug}-admin").first()
        if admin is None:
            continue
        people = verified_residents(municipality, password_hash, moscow=moscow, count=count)
        if fill(municipality, admin, people, now):
            cities += 1
    stdout.write(says.format(cities=cities, did=then(now=now)))


def endorsed_daily(rules: PetitionRules[Any], petition: Any, endorsers: list[User], start: datetime) -> Any:
    """`petition`, endorsed by `endorsers` one a day from the day after `start`, as it then stands."""
    for day, endorser in enumerate(endorsers, start=1):
        petition_endorse(rules=rules, user=endorser, petition=petition, now=start + timedelta(days=day))
    petition.refresh_from_db()
    return petition


def comment_in_moscow(rules: PetitionRules[Any], petition: Any, author: User, body: str) -> None:
    """`author`'s comment under `petition`, if it is Moscow's: the demo's discussion of its kind."""
    if petition.municipality.slug == "moscow":
        phase = rules.phase_of(petition)
        comment_create(
            author=author, municipality=petition.municipality, target=petition, body=body, phase=phase
        )
