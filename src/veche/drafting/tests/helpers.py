"""What the drafting tests share: a project in its drafting stage with a published document."""

from typing import Any

from veche.accounts.models import User
from veche.crowdprojects.models import Project, StageKind
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.drafting.models import Document, Section
from veche.drafting.services import document_create, document_publish, latest_version
from veche.municipalities.models import Municipality

TEXT = """Preamble: the rules of the park.

## 1. Paths
Paths are kept clean.

## 2. Benches
Benches stand every fifty metres.

## 3. Light
Lamps burn from dusk to midnight.
"""


def drafting_project(
    *, actor: User, municipality: Municipality, kind: str = StageKind.DRAFTING, **settings: Any
) -> Project:
    return project_in_stage(
        actor=actor, municipality=municipality, kind=kind, template="drafting", **settings
    )


def published_document(*, actor: User, project: Project, text: str = TEXT) -> Document:
    document = document_create(actor=actor, project=project, title="Park rules", text=text)
    return document_publish(actor=actor, document=document)


def section(document: Document, number: str) -> Section:
    found = Section.objects.select_related("version__document__project__municipality").get(
        version=latest_version(document), number=number
    )
    return found
