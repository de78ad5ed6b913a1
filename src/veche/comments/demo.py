"""Demo town-square discussions, one of them flagged for the moderators."""

from typing import TextIO

from veche.accounts.models import User
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.moderation.services import flag_create
from veche.municipalities.models import Municipality

COMMENTS = [
    ("resident1", "Давайте обсудим, какие дворы нашего района нужно благоустроить в первую очередь."),
    ("resident3", "Во дворах на **Тверской** до сих пор нет нормального освещения."),
    ("resident4", "Предлагаю сделать велодорожку вдоль набережной."),
    ("resident5", "КУПИТЕ ДЁШЕВО!!! Лучшие окна в городе, звоните прямо сейчас"),
]


def load(stdout: TextIO) -> None:
    moscow = Municipality.objects.filter(slug="moscow").first()
    if moscow is None or Comment.objects.filter(municipality=moscow).exists():
        stdout.write("  comments already loaded")
        return
    comments = [
        comment_create(
            author=User.objects.get(username=username), municipality=moscow, target=moscow, body=body
        )
        for username, body in COMMENTS
    ]
    flag_create(reporter=User.objects.get(username="resident1"), content=comments[-1], reason="spam")
    stdout.write(f"  {len(comments)} comments in Moscow's town square, one flagged as spam")
