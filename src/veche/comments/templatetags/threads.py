"""`{% thread_of comments as entries %}`: a page of comments as a thread (replies, marks)."""

from typing import Any

from django import template

from veche.comments.selectors import Entry, thread_of

register = template.Library()


@register.simple_tag(name="thread_of", takes_context=True)
def thread_tag(context: template.Context, comments: Any) -> list[Entry]:
    request = context.get("request")
    return thread_of(comments or [], viewer=getattr(request, "user", None))
