"""The API's reading of JSON bodies and query strings: text that no database stores is refused here,
once for every operation, by field (a NUL, which PostgreSQL refuses; an unpaired surrogate, which
UTF-8 cannot encode), and so is a body nested deeper than the JSON reader can follow."""

import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.parser import Parser

from veche.core.errors import DomainError
from veche.core.text import unstorable


class FieldsNotValid(DomainError):
    """The API's answer to fields it cannot take, as for any other field refused on reading: 422."""

    status = 422


def _bad_paths(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, str):
        if unstorable(value):
            yield path or "__all__"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if unstorable(str(key)):
                yield path or "__all__"
            yield from _bad_paths(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_paths(item, f"{path}.{index}" if path else str(index))


def _refuse(paths: list[str]) -> None:
    if paths:
        message = _("Text may not contain NUL characters or unpaired surrogates.")
        raise FieldsNotValid(
            _("Some fields are not valid."), code="validation_error", fields={p: [message] for p in paths}
        )


def loads(body: bytes) -> Any:
    """JSON read from a request body: ValueError when it is not JSON, DomainError when it is nested
    too deeply or holds text no database stores."""
    try:
        data = json.loads(body)
        # The walk goes as deep as the reader did: near the limit it may be the one to run out.
        bad = list(_bad_paths(data, ""))
    except RecursionError:
        raise DomainError(_("The JSON is nested too deeply.")) from None
    _refuse(bad)
    return data


class VecheParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        return loads(request.body)

    def parse_querydict(
        self, data: MultiValueDict[str, str], list_fields: list[str], request: HttpRequest
    ) -> Any:
        # Text only: the same reading is given the uploaded files (request.FILES), which may hold anything.
        _refuse(
            [key for key, values in data.lists() if any(isinstance(v, str) and unstorable(v) for v in values)]
        )
        return super().parse_querydict(data, list_fields, request)
