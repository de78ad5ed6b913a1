"""The API of crowd projects: one router, to which each part of a project adds its endpoints in its own
module (`projects`, and the parts' modules imported below)."""

from veche.crowdprojects.api import (
    projects,  # noqa: F401 - adds its endpoints to the router
    wisdom,  # noqa: F401 - CrowdWisdom
)
from veche.crowdprojects.api.router import router

__all__ = ["router"]
