"""`access_<thing>(user, id)`: the object if this person may see it, else NotFound.

"Does not exist" and "not allowed" raise the same error, so nobody can probe for private
objects. Every view and API endpoint fetches what a request names through these.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

from veche.access.roles import Person, has_permission, is_platform_admin, is_signed_in
from veche.comments.models import Comment
from veche.core.errors import NotFound
from veche.moderation.models import Moderated
from veche.moderation.registry import lookup
from veche.municipalities.models import Membership, Municipality
from veche.municipalities.zones import zone_of

M = TypeVar("M", bound=models.Model)


def parse_pk(value: Any) -> int:
    """A primary key from a URL or a payload; anything that is not one is simply not found."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk < 2**63:
        raise NotFound()
    return pk


def is_author(user: Person | None, content: Any) -> bool:
    """Whether `user` wrote `content` (anything with an `author_id`)."""
    return is_signed_in(user) and content.author_id == user.pk


def is_live(user: Person, municipality: Municipality) -> bool:
    """A deactivated municipality is seen only by platform admins."""
    return municipality.is_active or is_platform_admin(user)


def access_municipality(user: Person, slug: str) -> Municipality:
    """The municipality a page or endpoint names; from here on the request shows its own clock.

    Every page of a municipality fetches it here, so its times are written in the municipality's
    zone (a Novosibirsk report's times in Novosibirsk time), and times typed into its forms are read
    in it. `MunicipalClockMiddleware` puts the server's zone back after each request.
    """
    try:
        # get(), not first(): no ORDER BY by the reader's name (the manager's), which cost a third
        # of this query's time; the slug is unique.
        municipality = Municipality.objects.get(slug=slug)
    except Municipality.DoesNotExist:
        raise NotFound() from None
    return admitted(user, municipality)


def admitted(user: Person, municipality: Municipality) -> Municipality:
    """`municipality` (read by `access_municipality`, or kept by a list that knows it to be current)
    if `user` may see it, its clock made the request's; else NotFound."""
    if not is_live(user, municipality):
        raise NotFound()
    timezone.activate(zone_of(municipality))
    return municipality


def access_municipality_staff(user: Person, slug: str, permission: str) -> Municipality:
    """The municipality if `user` holds `permission` in it."""
    municipality = access_municipality(user, slug)
    if not has_permission(user, municipality, permission):
        raise NotFound()
    return municipality


def access_municipality_object(user: Person, municipality: Municipality, model: type[M], pk: Any) -> M:
    """A district, department, category, calendar day or membership for a municipal admin."""
    permission = "manage_staff" if model is Membership else "manage_municipality"
    if not has_permission(user, municipality, permission):
        raise NotFound()
    obj = model._default_manager.filter(pk=parse_pk(pk), municipality=municipality).first()
    if obj is None:
        raise NotFound()
    return obj


def access_visible(
    user: Person,
    things: models.QuerySet[M],
    pk: Any,
    can_see: Callable[[Person, M], bool],
    *,
    municipality: Municipality | None = None,
) -> M:
    """One of `things` (each with a `municipality`) by the id a request names, in `municipality` when
    one is named, if its municipality is live for this person and `can_see` lets them see it; else
    NotFound. The one rule of the `access_<thing>` functions of the wings."""
    if municipality is not None:
        things = things.filter(municipality=municipality)
    thing = things.filter(pk=parse_pk(pk)).first()
    if thing is None or not is_live(user, thing.municipality) or not can_see(user, thing):  # type: ignore[attr-defined]
        raise NotFound()
    return thing


def is_visible(user: Person, content: Moderated, author: Any) -> bool:
    """Content is public unless a moderator hid it: then its author and moderators see it."""
    if not content.is_hidden:
        return True
    if is_signed_in(user) and author is not None and author.pk == user.pk:
        return True
    return has_permission(user, content.municipality, "moderate")  # type: ignore[attr-defined]


def can_see(user: Person, content: Any) -> bool:
    """Whether `user` may see `content`: its own rule, hiding, and for comments what they are under."""
    flaggable = lookup(content._meta.label_lower)
    if flaggable is None:
        return True  # not moderated content, e.g. a municipality's town square
    if not is_visible(user, content, flaggable.author(content)):
        return False
    return flaggable.visible is None or flaggable.visible(user, content)


def access_comment(user: Person, municipality: Municipality, comment_id: Any) -> Comment:
    comment = (
        Comment.objects.select_related("author", "municipality")
        .filter(pk=parse_pk(comment_id), municipality=municipality)
        .first()
    )
    if comment is None or not can_see(user, comment):
        raise NotFound()
    return comment


def access_flaggable(user: Person, label: str, object_id: Any) -> Moderated:
    """Any flaggable content by its model label, as its viewer may see it."""
    flaggable = lookup(label)
    if flaggable is None:
        raise NotFound()
    content: Moderated | None = flaggable.model._default_manager.filter(pk=parse_pk(object_id)).first()
    if content is None or not content.municipality.is_active:  # type: ignore[attr-defined]
        raise NotFound()
    if not can_see(user, content):
        raise NotFound()
    return content


def access_moderated_content(user: Person, label: str, object_id: Any) -> Moderated:
    """Flaggable content for one of its municipality's moderators."""
    content = access_flaggable(user, label, object_id)
    if not has_permission(user, content.municipality, "moderate"):  # type: ignore[attr-defined]
        raise NotFound()
    return content
