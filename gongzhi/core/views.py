"""The home page, the elder-mode switch and the audit log viewer."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gongzhi.registry.models import Community
from gongzhi.registry.permissions import can_view_audit

from .middleware import ELDER_COOKIE
from .models import AuditEntry


def home(request):
    """Staff see their communities; residents see their own things."""
    communities = []
    if request.user.is_authenticated:
        communities = list(Community.objects.visible_to(request.user).for_listing()[:200])
    return render(request, "core/home.html", {"communities": communities})


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@require_POST
def toggle_elder_mode(request):
    """Turn elder mode on or off; a plain form post, so it works without JavaScript."""
    response = HttpResponseRedirect(_safe_next(request))
    turn_on = request.POST.get("on", "1" if not request.elder_mode else "0") == "1"
    if turn_on:
        response.set_cookie(ELDER_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(ELDER_COOKIE)
    return response


@login_required
def audit_log(request, community_id: int):
    """The community's audit log, newest first, for its admins."""
    community = get_object_or_404(Community, pk=community_id)
    if not can_view_audit(request.user, community):
        raise Http404
    entries = AuditEntry.objects.filter(community_id=community.pk).for_listing()
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request, "core/audit_log.html", {"community": community, "page": page, "action": action}
    )
