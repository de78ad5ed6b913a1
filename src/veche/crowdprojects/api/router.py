"""The one router of crowd projects' endpoints."""

from ninja import Router

router = Router(tags=["crowd projects"])
