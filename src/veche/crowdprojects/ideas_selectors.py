"""Reads of a project's ideas that pages and the API share: the list (by tag, newest or most
supported), the authors of a page of ideas, and the ideas that look like a draft.

Similar ideas are found by word stems (Snowball's Russian and English stemmers: "скамейки" and
"скамейка", "benches" and "bench" meet), stop words left out. A project has at most a few thousand
ideas, so the candidates' texts are read in one query and scored in Python: each shared stem weighs
its inverse document frequency over the project's ideas (a stem every idea has says nothing), and
the score is a cosine of the two sets of stems.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db.models import Prefetch, Q, QuerySet

from veche.access.roles import Person, has_permission
from veche.crowdprojects.models import Idea, IdeaAuthor, IdeaStatus, Project

SORTS = ("new", "popular")
SIMILAR_MAX = 5
# Below this a shared word or two among long texts is chance, not the same idea.
SIMILAR_MIN_SCORE = 0.15
# What of a body is compared: its opening says what the idea is.
BODY_COMPARED = 600
DRAFT_MAX_LENGTH = 5000

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]")
_RUSSIAN = snowballstemmer.stemmer("russian")
_ENGLISH = snowballstemmer.stemmer("english")

# Words that say nothing of what an idea is (a few per language, with "предлагаю" and "please").
_STOP_TEXT = """
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было
    вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас
    нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их
    чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой
    совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при
    наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве
    три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда
    конечно всю между это эта нужно очень предлагаю предлагаем сделать
    a an the and or but if then else of to in on at by for with from as is are was were be been being
    it its this that these those there here we you they he she i me my our your their them us not no
    do does did so than too very can could should would will just about into over under up down out
    more most some any all each other such only own same also please make new
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def _stem(word: str) -> str:
    word = word.lower().replace("ё", "е")
    return str((_RUSSIAN if _CYRILLIC.search(word) else _ENGLISH).stemWord(word))


@lru_cache(maxsize=50_000)
def _stem_cached(word: str) -> str:
    return _stem(word)


def stems(text: str) -> frozenset[str]:
    """The stems of the words of `text` that carry meaning (no stop words, no one-letter words)."""
    found = set()
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if len(word) < 3 or word in STOP_WORDS:
            continue
        stem = _stem_cached(word)
        if len(stem) >= 2:
            found.add(stem)
    return frozenset(found)


@dataclass(frozen=True)
class Similar:
    idea: Idea
    score: float
    # The stems the draft and the idea share, for the page to say why they look alike.
    shared: frozenset[str]


def similar_ideas(*, project: Project, text: str, limit: int = SIMILAR_MAX) -> list[Similar]:
    """Up to `limit` ideas of `project` (proposed, selected or not, but not hidden nor merged) that
    share word stems with the draft `text`, most alike first. Two queries: the candidates' texts,
    then the few ideas shown."""
    draft = stems(text[:DRAFT_MAX_LENGTH])
    if not draft:
        return []
    candidates = Idea.objects.filter(project=project, hidden_at__isnull=True).exclude(
        status=IdeaStatus.MERGED
    )
    texts = [
        (pk, stems(f"{title} {body[:BODY_COMPARED]}"))
        for pk, title, body in candidates.values_list("pk", "title", "body").order_by()
    ]
    if not texts:
        return []
    documents = len(texts) + 1
    frequency: Counter[str] = Counter()
    for _pk, words in texts:
        frequency.update(words & draft)

    def weight(stem: str) -> float:
        return math.log(1 + documents / (1 + frequency[stem]))

    draft_weight = sum(weight(s) for s in draft)
    scored = []
    for pk, words in texts:
        shared = words & draft
        if not shared:
            continue
        common = sum(weight(s) for s in shared)
        # A cosine of the two texts: the idea's other stems weigh 1 each (their frequency is not
        # counted), so a long idea that mentions the draft's words is not drowned by its length.
        score = common / math.sqrt(draft_weight * (common + len(words - draft)))
        if score >= SIMILAR_MIN_SCORE:
            scored.append((score, pk, shared))
    scored.sort(key=lambda row: (-row[0], -row[1]))
    top = scored[:limit]
    ideas = Idea.objects.select_related("municipality", "author").in_bulk([pk for _s, pk, _w in top])
    return [Similar(ideas[pk], score, shared) for score, pk, shared in top if pk in ideas]


def ideas_for(
    *, project: Project, viewer: Person, tag: str = "", sort: str = "new", merged: bool = False
) -> QuerySet[Idea]:
    """The project's ideas for its list: hidden ones only to moderators (an author sees their own),
    merged ones left out unless `merged`; with `tag`, only those tagged so; newest or most supported
    first. Authors and co-authors come with them (two queries a page more)."""
    ideas = Idea.objects.filter(project=project).select_related("municipality", "author", "project")
    if not has_permission(viewer, project.municipality, "moderate"):
        visible = Q(hidden_at__isnull=True)
        if getattr(viewer, "is_authenticated", False):
            visible |= Q(author_id=viewer.pk)
        ideas = ideas.filter(visible)
    if not merged:
        ideas = ideas.exclude(status=IdeaStatus.MERGED)
    tag = " ".join(tag.split()).lower()[:30]
    if tag:
        ideas = ideas.filter(
            Q(tags=tag)
            | Q(tags__startswith=f"{tag},")
            | Q(tags__endswith=f",{tag}")
            | Q(tags__contains=f",{tag},")
        )
    order = ["-endorsements_count", "-created_at", "-id"] if sort == "popular" else ["-created_at", "-id"]
    coauthors = IdeaAuthor.objects.select_related("user").order_by("created_at", "id")
    return ideas.order_by(*order).prefetch_related(Prefetch("coauthors", queryset=coauthors))


def project_tags(project: Project) -> list[str]:
    """Every tag of the project's visible ideas, most used first (one query)."""
    counted: Counter[str] = Counter()
    rows = (
        Idea.objects.filter(project=project, hidden_at__isnull=True)
        .exclude(tags="")
        .values_list("tags", flat=True)
    )
    for tags in rows:
        counted.update(tag for tag in tags.split(",") if tag)
    return [tag for tag, _n in sorted(counted.items(), key=lambda item: (-item[1], item[0]))]


def authors_of(idea: Any) -> list[Any]:
    """The author and the co-authors of an idea read with `ideas_for` (no query more)."""
    return [idea.author, *(row.user for row in idea.coauthors.all())]
