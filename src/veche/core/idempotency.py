"""Idempotency-Key support for API writes: a repeat gets the first answer, not a second write."""

import hashlib
import json
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from veche.core.models import IdempotencyRecord

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
HEADER = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY_LENGTH = 200


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


def _scope(request: HttpRequest) -> str | None:
    """Whose key this is: the bearer token, or the signed-in person; anonymous writes get none."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth:
        return hashlib.sha256(auth.encode()).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _fingerprint(request: HttpRequest) -> str:
    """What makes two requests the same: method, path and body. A multipart body counts by what it
    carries (its fields, and each file's name and digest), not by its bytes: a browser draws a new
    boundary each time it builds the same form, and a phone that resends a report written offline
    (app.js) must be taken for the same request. Its files stream to the upload handlers as on any
    request (the whole body in memory would be refused past DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
        for name in sorted(request.POST):
            digest.update(json.dumps(["field", name, request.POST.getlist(name)]).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                content = hashlib.sha256()
                for chunk in upload.chunks():
                    content.update(chunk)
                upload.seek(0)
                digest.update(json.dumps(["file", name, upload.name, content.hexdigest()]).encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        if not key or request.method not in WRITE_METHODS or not request.path.startswith("/api/"):
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return _error(400, "invalid_idempotency_key", _("Idempotency-Key is too long."))
        scope = _scope(request)
        if scope is None:
            return self.get_response(request)
        try:
            request_hash = _fingerprint(request)
        except RequestDataTooBig:
            # As the API answers it (api/errors.py), for a body too big to keep in memory.
            return _error(413, "payload_too_large", _("The request body is too large."))
        except (MultiPartParserError, SuspiciousOperation):
            return _error(400, "invalid", _("The request's body could not be read."))
        # The key's record, the write and the answer kept for replay commit together: a process that
        # dies in between leaves neither a write without its answer (which a retry could then neither
        # replay nor redo) nor a record stuck "in progress". A second request with the key waits on
        # the record's unique index until the first commits, then replays its answer.
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(scope=scope, key=key, request_hash=request_hash)
            except IntegrityError:
                return _replay(scope, key, request_hash)
            response = self.get_response(request)
            if response.status_code >= 500:
                # A failure keeps nothing of what it wrote; a retry with the key runs afresh.
                transaction.set_rollback(True)
                return response
            if not 200 <= response.status_code < 300:
                # Only a successful write is kept for replay: a refusal changed nothing, and a retry with
                # the same key is processed afresh (the person may have become eligible since).
                record.delete()
                return response
            record.completed = True
            record.status_code = response.status_code
            record.content_type = response.get("Content-Type", "application/json")
            record.body = bytes(response.content)
            record.save(update_fields=["completed", "status_code", "content_type", "body"])
        return response


def _replay(scope: str, key: str, request_hash: str) -> HttpResponse:
    """The answer to the first request with this key, or why there is none to give."""
    existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if existing is None or existing.request_hash != request_hash:
        return _error(
            422,
            "idempotency_key_reused",
            _("This Idempotency-Key was already used for a different request."),
        )
    if not existing.completed:
        return _error(409, "request_in_progress", _("The first request with this key is still running."))
    replay = HttpResponse(
        bytes(existing.body), status=existing.status_code, content_type=existing.content_type
    )
    replay["Idempotent-Replayed"] = "true"
    return replay
