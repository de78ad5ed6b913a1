"""Fixtures of the co-financing tests: a project in its co-financing stage, a taken-up idea, and an
open campaign of 100 000 roubles for it whose deadline is a week away."""

import pytest

from veche.accounts.models import User
from veche.crowdprojects.models import Idea, Project
from veche.funding.models import Campaign
from veche.funding.tests.helpers import cofinanced_project, open_campaign, taken_up_idea
from veche.municipalities.models import Municipality


@pytest.fixture
def project(municipality: Municipality, municipal_admin: User) -> Project:
    return cofinanced_project(actor=municipal_admin, municipality=municipality)


@pytest.fixture
def idea(project: Project, author: User) -> Idea:
    return taken_up_idea(project=project, author=author)


@pytest.fixture
def campaign(idea: Idea, municipal_admin: User) -> Campaign:
    return open_campaign(actor=municipal_admin, idea=idea, target=100_000)
