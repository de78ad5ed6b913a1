"""Request helpers for views and API endpoints."""

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, overload

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from veche.core.errors import NotFound

if TYPE_CHECKING:
    from veche.accounts.models import User


def signed_in(request: HttpRequest) -> "User":
    """The signed-in person of a view that requires one (login_required or API auth)."""
    if not request.user.is_authenticated:
        raise NotFound()
    return request.user


@overload
def download(content: str | bytes, *, content_type: str, filename: str) -> HttpResponse: ...
@overload
def download(content: Iterator[str], *, content_type: str, filename: str) -> StreamingHttpResponse: ...
def download(
    content: str | bytes | Iterator[str], *, content_type: str, filename: str
) -> HttpResponse | StreamingHttpResponse:
    """A file for the browser to save: the whole body, or an iterator of text pieces sent as they are
    written (large exports)."""
    response: HttpResponse | StreamingHttpResponse
    if isinstance(content, str | bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        pieces = (piece.encode("utf-8") for piece in content)
        response = StreamingHttpResponse(pieces, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(rows: Iterable[Sequence[object]], *, filename: str) -> HttpResponse:
    """Rows as a CSV file to save; the caller neutralises text a spreadsheet could take for a formula."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv.writer(response).writerows(rows)
    return response
