"""Moderation pages: the queue, a case's decision page, reporting, appealing, review words.

Everything is a plain form post: no page needs JavaScript. Cases and items are fetched
through helpers that answer 404 when the user may not act on them, so a refusal never
reveals that something exists.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.masking import mask_name
from gongzhi.registry.models import Community

from . import services
from .detect import describe
from .forms import (
    AppealForm,
    BlockedWordForm,
    DecisionForm,
    ReportForm,
    SettingsForm,
    add_service_error,
)
from .models import BlockedWord, ModerationCase, ModerationStatus, Report
from .permissions import (
    can_appeal,
    can_manage_blocked_words,
    can_moderate,
    can_view_own_case,
    moderated_community_ids,
)
from .querysets import cases_visible_to, for_case_page, for_queue, reports_for
from .registry import entry_by_label, entry_for
from .screening import settings_for

PAGE_SIZE = 25
SHOW = {
    "held": Q(trigger=ModerationCase.Trigger.SCREENING, appealed_at__isnull=True),
    "hidden": Q(trigger=ModerationCase.Trigger.REPORTS, appealed_at__isnull=True),
    "appealed": Q(appealed_at__isnull=False),
}


# --- Access helpers ------------------------------------------------------------------------


def get_moderated_community(user, community_id: int) -> Community:
    community = get_object_or_404(Community, pk=community_id)
    if not can_moderate(user, community.pk):
        raise Http404
    return community


def get_case_for_moderator(user, case_id: int) -> ModerationCase:
    return get_object_or_404(for_case_page(cases_visible_to(user)), pk=case_id)


def get_admin_community(user, community_id: int) -> Community:
    community = get_object_or_404(Community, pk=community_id)
    if not can_manage_blocked_words(user, community.pk):
        raise Http404
    return community


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- What the templates show ---------------------------------------------------------------


@dataclass
class ItemView:
    """A moderated item as a page shows it: its kind, text, link and status."""

    kind: str
    text: str
    url: str
    status: str
    status_label: str
    exists: bool


def item_view(case: ModerationCase) -> ItemView:
    obj = case.content_object
    if obj is None:
        return ItemView(
            kind=str(case.content_type.name),
            text=case.excerpt,
            url="",
            status="",
            status_label=_("Deleted"),
            exists=False,
        )
    try:
        entry = entry_for(obj)
    except LookupError:
        text, url = case.excerpt, ""
    else:
        text, url = entry.text_of(obj), entry.url_for(obj)
    status = obj.moderation_status
    return ItemView(
        kind=str(obj._meta.verbose_name),
        text=text,
        url=url,
        status=status,
        status_label=str(ModerationStatus(status).label) if status in ModerationStatus else status,
        exists=True,
    )


def _author_label(user) -> str:
    if user is None:
        return _("Unknown")
    return mask_name(user.name) if user.name else _("A user")


# --- Queue ---------------------------------------------------------------------------------


@login_required
def index(request):
    """The navigation's entry: the one community's queue, or a choice of communities."""
    ids = moderated_community_ids(request.user)
    communities = Community.objects.order_by("name", "id")
    if ids is not None:
        communities = communities.filter(id__in=ids)
    communities = list(
        communities.annotate(
            open_cases=Count(
                "moderation_cases", filter=Q(moderation_cases__state=ModerationCase.State.OPEN)
            )
        )[:200]
    )
    if not communities:
        raise Http404
    if len(communities) == 1:
        return redirect("moderation:queue", communities[0].pk)
    return render(request, "moderation/index.html", {"communities": communities})


@login_required
def queue(request, community_id: int):
    """The community's items waiting for a moderator, longest waiting first."""
    community = get_moderated_community(request.user, community_id)
    cases = ModerationCase.objects.filter(community=community)
    show = request.GET.get("show", "")
    if show in SHOW:
        cases = cases.filter(SHOW[show])
    page = Paginator(for_queue(cases).select_related("author"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "case": case,
            "item": item_view(case),
            "author": _author_label(case.author),
            "reasons": [describe(f) for f in case.findings],
        }
        for case in page.object_list
    ]
    return render(
        request,
        "moderation/queue.html",
        {
            "community": community,
            "page": page,
            "rows": rows,
            "show": show,
            "filters": [
                ("held", _("Held at submission")),
                ("hidden", _("Hidden after reports")),
                ("appealed", _("Appealed")),
            ],
            "can_manage_words": can_manage_blocked_words(request.user, community.pk),
        },
    )


@login_required
def case_detail(request, case_id: int):
    """One item's file: its text, why it waits, its reports and history; the decision form."""
    case = get_case_for_moderator(request.user, case_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_case(case=case, actor=request.user, **form.cleaned_data)
        except services.ModerationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Decision saved. The author has been told."))
            return redirect("moderation:queue", case.community_id)
    reports = [
        {
            "reason": report.get_reason_display(),
            "text": report.text,
            "at": report.created_at,
            "pending": report.resolved_at is None,
        }
        for report in reports_for(case)[:100]
    ]
    return render(
        request,
        "moderation/case.html",
        {
            "case": case,
            "item": item_view(case),
            "author": _author_label(case.author),
            "reasons": [describe(f) for f in case.findings],
            "reports": reports,
            "events": list(case.events.all()),
            "form": form,
        },
        status=422 if request.method == "POST" else 200,
    )


# --- Reporting and appealing ---------------------------------------------------------------


@login_required
def report(request, label: str, object_id: int):
    """Report a post or comment to the community's moderators."""
    entry = entry_by_label(label)
    if entry is None:
        raise Http404
    obj = entry.visible_rows(request.user).filter(pk=object_id).first()
    if obj is None or obj.author_id == request.user.pk:
        raise Http404
    back = _safe_next(request, entry.url_for(obj))
    already = Report.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        reporter=request.user,
    ).exists()
    form = ReportForm(request.POST or None)
    if request.method == "POST" and not already and form.is_valid():
        try:
            services.report_item(obj=obj, reporter=request.user, **form.cleaned_data)
        except services.ModerationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Thank you. The community's moderators will look at it."))
            return redirect(back)
    return render(
        request,
        "moderation/report.html",
        {
            "form": form,
            "already": already,
            "kind": entry.verbose_name,
            "text": entry.text_of(obj),
            "back": back,
        },
        status=422 if request.method == "POST" and not already else 200,
    )


@login_required
def appeal(request, case_id: int):
    """The author reads the decision on their item and may appeal a removal once."""
    case = get_object_or_404(ModerationCase.objects.select_related("content_type"), pk=case_id)
    if not can_view_own_case(request.user, case):
        raise Http404
    allowed = can_appeal(request.user, case)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and allowed and form.is_valid():
        try:
            services.appeal_case(case=case, actor=request.user, text=form.cleaned_data["text"])
        except services.ModerationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your appeal has been sent to the moderators."))
            return redirect("moderation:appeal", case.pk)
    return render(
        request,
        "moderation/appeal.html",
        {"case": case, "item": item_view(case), "form": form, "allowed": allowed},
        status=422 if request.method == "POST" else 200,
    )


# --- Review words and settings -------------------------------------------------------------


@login_required
def blocked_words(request, community_id: int):
    """The community's review words (and the global ones), and its moderation numbers."""
    community = get_admin_community(request.user, community_id)
    word_form = BlockedWordForm(request.POST or None)
    if request.method == "POST" and word_form.is_valid():
        try:
            services.add_blocked_word(
                community=community, word=word_form.cleaned_data["word"], actor=request.user
            )
        except services.ModerationError as exc:
            add_service_error(word_form, exc)
        else:
            messages.success(request, _("The word has been added."))
            return redirect("moderation:words", community.pk)
    return _words_page(request, community, word_form=word_form)


def _words_page(request, community, *, word_form=None, settings_form=None):
    words = BlockedWord.objects.filter(community=community).order_by("word", "id")
    global_words = BlockedWord.objects.filter(community__isnull=True).order_by("word", "id")
    failed = request.method == "POST"
    return render(
        request,
        "moderation/words.html",
        {
            "community": community,
            "words": words,
            "global_words": global_words,
            "word_form": word_form or BlockedWordForm(),
            "settings_form": settings_form or SettingsForm(instance=settings_for(community)),
        },
        status=422 if failed else 200,
    )


@login_required
@require_POST
def blocked_word_delete(request, community_id: int, word_id: int):
    community = get_admin_community(request.user, community_id)
    word = get_object_or_404(BlockedWord, pk=word_id, community=community)
    services.remove_blocked_word(blocked_word=word, actor=request.user)
    messages.success(request, _("The word has been removed."))
    return redirect("moderation:words", community.pk)


@login_required
@require_POST
def moderation_settings(request, community_id: int):
    community = get_admin_community(request.user, community_id)
    form = SettingsForm(request.POST, instance=settings_for(community))
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.update_settings(community=community, actor=request.user, **values)
        messages.success(request, _("The moderation settings have been saved."))
        return redirect("moderation:words", community.pk)
    return _words_page(request, community, settings_form=form)
