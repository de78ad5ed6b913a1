"""Who may see and tune recognition: badges are public while active; a municipality's rules are its
municipal admins' (and platform admins')."""

from veche.access.functions import access_municipality_staff
from veche.access.roles import Person
from veche.core.errors import NotFound
from veche.municipalities.models import Municipality
from veche.recognition.models import BadgeRule


def access_recognition_staff(user: Person, slug: str) -> Municipality:
    """The municipality whose rules `user` tunes; NotFound for anyone else."""
    return access_municipality_staff(user, slug, "manage_municipality")


def access_badge(user: Person, municipality: Municipality, code: str) -> BadgeRule:
    """An active badge of the municipality by its code; a switched-off one is nobody's page."""
    badge = BadgeRule.objects.filter(municipality=municipality, code=code, active=True).first()
    if badge is None:
        raise NotFound()
    return badge
