"""The matter pages: a community's matters, and one matter's timeline through the five co's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.registry.models import Community

from . import selectors, services
from .forms import LinkForm
from .models import Stage
from .permissions import can_link_to_matter, can_view_matter, can_view_matters


@login_required
def matter_list(request, community_id: int):
    """The community's matters, most recently active first."""
    community = get_object_or_404(Community, pk=community_id)
    if not can_view_matters(request.user, community):
        raise Http404
    page = Paginator(selectors.matters_of(community), 25).get_page(request.GET.get("page"))
    return render(request, "matters/list.html", {"community": community, "page": page})


def _get_matter(user, matter_id: int):
    """Return the matter if the user may see it, else 404."""
    matter = selectors.matter_for_page(matter_id)
    if matter is None or not can_view_matter(user, matter):
        raise Http404
    return matter


def _detail(request, matter, link_form=None, status: int = 200):
    can_link = can_link_to_matter(request.user, matter)
    if can_link and link_form is None:
        link_form = LinkForm(surveys=list(selectors.linkable_surveys(matter.community)))
    return render(
        request,
        "matters/detail.html",
        {
            "matter": matter,
            "community": matter.community,
            "entries": selectors.timeline(matter, viewer=request.user),
            "stages": [
                {"value": value, "label": label, "reached": index < matter.stage_number}
                for index, (value, label) in enumerate(Stage.choices)
            ],
            "link_form": link_form if can_link else None,
        },
        status=status,
    )


@login_required
def detail(request, matter_id: int):
    """One matter: the stage it has reached and everything linked to it, in time order."""
    return _detail(request, _get_matter(request.user, matter_id))


@login_required
@require_POST
def add_link(request, matter_id: int):
    """Add a survey's published results or a case to the timeline (community staff)."""
    matter = _get_matter(request.user, matter_id)
    if not can_link_to_matter(request.user, matter):
        raise PermissionDenied
    form = LinkForm(request.POST, surveys=list(selectors.linkable_surveys(matter.community)))
    if not form.is_valid():
        return _detail(request, matter, form, status=400)
    try:
        link = services.add_link(
            matter=matter,
            kind=form.cleaned_data["kind"],
            object_id=form.object_id(),
            actor=request.user,
        )
    except services.MatterError as exc:
        form.add_error(form.field_name, exc.message)
        return _detail(request, matter, form, status=400)
    messages.success(request, _("Added to the timeline: %(title)s") % {"title": link.title})
    return redirect(f"{matter.get_absolute_url()}#link-{link.pk}")
