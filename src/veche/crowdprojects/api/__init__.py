"""The API of crowd projects: one router, to which each part of a project adds its endpoints in its own
module (`projects`, and the parts' modules imported below)."""

from veche.crowdprojects.api import ideas, projects, selection, voting, wisdom  # noqa: F401 - add their endpoints
from veche.crowdprojects.api.router import router

__all__ = ["router"]
