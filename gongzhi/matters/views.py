"""The matter pages: a community's matters, and one matter's timeline through the five co's."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from gongzhi.registry.models import Community

from . import selectors
from .models import Stage
from .permissions import can_view_matter, can_view_matters


@login_required
def matter_list(request, community_id: int):
    """The community's matters, most recently active first."""
    community = get_object_or_404(Community, pk=community_id)
    if not can_view_matters(request.user, community):
        raise Http404
    page = Paginator(selectors.matters_of(community), 25).get_page(request.GET.get("page"))
    return render(request, "matters/list.html", {"community": community, "page": page})


@login_required
def detail(request, matter_id: int):
    """One matter: the stage it has reached and everything linked to it, in time order."""
    matter = selectors.matter_for_page(matter_id)
    if matter is None or not can_view_matter(request.user, matter):
        raise Http404
    return render(
        request,
        "matters/detail.html",
        {
            "matter": matter,
            "community": matter.community,
            "entries": selectors.timeline(matter),
            "stages": [
                {"value": value, "label": label, "reached": index < matter.stage_number}
                for index, (value, label) in enumerate(Stage.choices)
            ],
        },
    )
