"""Pages of moderation: flag content; the moderators' queue and their decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from veche.access.functions import access_flaggable, access_moderated_content, access_municipality_staff
from veche.core.errors import DomainError, NotFound
from veche.core.forms import apply_domain_error, checked, page_status, press
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.moderation import services
from veche.moderation.forms import DecisionForm, FlagForm
from veche.moderation.registry import for_instance
from veche.moderation.selectors import moderation_queue, recently_hidden


@login_required
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, label: str, object_id: int) -> HttpResponse:
    content = access_flaggable(request.user, label, object_id)
    flaggable = for_instance(content)
    form = FlagForm(request.POST or None)
    refusal: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit_request("flag", request)
            services.flag_create(reporter=signed_in(request), content=content, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
            refusal = error
        else:
            if request.htmx:  # type: ignore[attr-defined]
                return render(request, "moderation/_flagged.html")
            messages.success(request, _("Thank you. Moderators will look at it."))
            return redirect(flaggable.url(content))
    context = {
        "form": form,
        "content": content,
        "excerpt": flaggable.excerpt(content),
        "back": flaggable.url(content),
        "label": label,
    }
    return render(request, "moderation/flag.html", context, status=page_status(bool(form.errors), refusal))


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality_staff(request.user, slug, "moderate")
    context = {
        "municipality": municipality,
        "items": moderation_queue(municipality=municipality),
        "hidden": recently_hidden(municipality=municipality),
        "form": DecisionForm(),
    }
    return render(request, "moderation/queue.html", context)


ACTIONS = {"hide": services.content_hide, "restore": services.content_restore}


@login_required
@require_POST
def decide(request: HttpRequest, slug: str, label: str, object_id: int, action: str) -> HttpResponse:
    municipality = access_municipality_staff(request.user, slug, "moderate")
    content = access_moderated_content(request.user, label, object_id)
    if content.municipality.pk != municipality.pk or action not in {*ACTIONS, "dismiss"}:  # type: ignore[attr-defined]
        raise NotFound()
    form = DecisionForm(request.POST)

    def carry_out() -> object:
        reason = checked(form, _("Give a reason of up to 500 characters."))["reason"]
        write = services.flags_dismiss if action == "dismiss" else ACTIONS[action]
        return write(moderator=signed_in(request), content=content, reason=reason)

    return press(request, carry_out, done=_("Done."), back_to=reverse("moderation_queue", args=[slug]))
