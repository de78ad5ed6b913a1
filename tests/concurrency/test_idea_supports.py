"""Supports of a crowd project's idea sent at the same moment, and a merge racing them; each in its
own thread and database connection."""

from collections.abc import Callable
from functools import partial

import pytest
from django.utils import timezone

from veche.accounts.models import User
from veche.core.errors import Conflict
from veche.core.testing import race
from veche.crowdprojects.models import Idea, IdeaAuthor, IdeaStatus, IdeaSupport, StageKind
from veche.crowdprojects.services.ideas import AlreadySupported, idea_create, idea_merge, idea_support
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break
from veche.ledger.services import chain_name
from veche.municipalities.models import Municipality

THREADS = 8


@pytest.fixture
def ideas(
    transactional_db: None, municipality: Municipality, municipal_admin: User, make_user: Callable[..., User]
) -> tuple[Idea, Idea, list[User]]:
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)
    now = timezone.now()
    source = idea_create(
        author=make_user("first"), project=project, title="Benches", body="Benches by the pond.", now=now
    )
    target = idea_create(
        author=make_user("second"), project=project, title="New benches", body="New benches, please.", now=now
    )
    return source, target, [make_user(f"fan{i}") for i in range(THREADS)]


def test_eight_people_supporting_at_once_count_exactly(ideas):
    _source, idea, fans = ideas
    results, errors = race([partial(idea_support, user=fan, idea=idea, now=timezone.now()) for fan in fans])
    assert errors == [] and len(results) == THREADS
    idea.refresh_from_db()
    assert idea.endorsements_count == IdeaSupport.objects.filter(petition=idea).count() == THREADS
    assert LedgerEntry.objects.filter(chain=chain_name(idea)).count() == THREADS
    assert chain_break(chain_name(idea)) is None


def test_one_person_supporting_eight_times_at_once_counts_once(ideas):
    _source, idea, fans = ideas
    results, errors = race([partial(idea_support, user=fans[0], idea=idea, now=timezone.now())] * THREADS)
    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, AlreadySupported) for e in errors), errors
    idea.refresh_from_db()
    assert idea.endorsements_count == IdeaSupport.objects.count() == 1


def test_a_merge_racing_supports_counts_everyone_once(ideas, municipal_admin):
    source, target, fans = ideas
    now = timezone.now()
    # Half support both ideas before; the rest support the source or the target during the merge.
    for fan in fans[:4]:
        idea_support(user=fan, idea=source, now=now)
    for fan in fans[:2]:
        idea_support(user=fan, idea=target, now=now)
    calls = [partial(idea_merge, actor=municipal_admin, source=source, target=target, reason="", now=now)]
    calls += [partial(idea_support, user=fan, idea=source, now=now) for fan in fans[4:6]]
    calls += [partial(idea_support, user=fan, idea=target, now=now) for fan in (fans[2], fans[6])]
    results, errors = race(calls)
    # A support of the source after the merge is refused (it takes none), and one whose source support
    # was moved to the target is a repeat there; every other call went through.
    assert all(isinstance(e, Conflict) for e in errors), errors
    assert len(results) + len(errors) == len(calls)
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.status == IdeaStatus.MERGED
    supporters = set(IdeaSupport.objects.filter(petition=target).values_list("user_id", flat=True))
    assert len(supporters) == IdeaSupport.objects.filter(petition=target).count() == target.endorsements_count
    assert source.endorsements_count == IdeaSupport.objects.filter(petition=source).count()
    # Everyone who supported either idea, and whose support went through, supports the target once.
    counted = set(IdeaSupport.objects.values_list("user_id", flat=True))
    assert counted == supporters
    assert IdeaAuthor.objects.filter(idea=target, user=source.author).count() == 1
