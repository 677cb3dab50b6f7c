"""The 共谋 board's pages: the board, raising a need, a need's page and its actions.

Needs and communities are fetched through get_*_for_user helpers that answer 404 when the
user may not see them. Every action is a plain form post that redirects back to the need,
so the pages work without JavaScript; with htmx, the support button and the similar-needs
suggestions update in place.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import scope_of
from gongzhi.core.masking import mask_name
from gongzhi.registry.models import Community, Compound
from gongzhi.registry.search import search_residents

from . import permissions as perms
from . import selectors, services
from .categories import ensure_categories
from .forms import (
    BoardFilterForm,
    CategoryForm,
    CommentForm,
    EditNeedForm,
    NeedForm,
    ReplyForm,
    SettingsForm,
    TriageForm,
)
from .models import Comment, Follow, Need, NeedPhoto, NeedSettings
from .querysets import communities_q, resident_of
from .transitions import ACTIONS, allowed_moves

PAGE_SIZE = 20
RESIDENT_MATCHES = 10


# --- access helpers ----------------------------------------------------------------------------


def get_board_community(user, community_id: int) -> Community:
    community = get_object_or_404(Community, pk=community_id)
    if not perms.can_view_board(user, community):
        raise Http404
    return community


def get_need_for_user(user, need_id: int) -> Need:
    need = selectors.need_for_page(need_id)
    if need is None or not perms.can_view_need(user, need):
        raise Http404
    return need


def _refuse_unless(allowed: bool) -> None:
    """The user sees the need but may not do this: say so (nothing is revealed)."""
    if not allowed:
        raise PermissionDenied


def _back(need: Need, anchor: str = ""):
    url = reverse("needs:detail", args=[need.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _service_error(request, exc: services.NeedError) -> None:
    messages.error(request, str(exc.message))


# --- entry points from the navigation ----------------------------------------------------------


def _choose_community(request, communities, url_name: str, title: str):
    communities = list(communities[:200])
    if not communities:
        raise Http404
    if len(communities) == 1:
        return redirect(url_name, communities[0].pk)
    return render(
        request,
        "needs/choose_community.html",
        {"communities": communities, "url_name": url_name, "title": title},
    )


@login_required
def index(request):
    """The board of the user's community, or a choice when they see several."""
    communities = Community.objects.filter(communities_q(request.user, field="")).order_by(
        "subdistrict_id", "code"
    )
    return _choose_community(request, communities, "needs:board", _("Needs board"))


@login_required
def overdue_index(request):
    """The overdue list of the community the user administers, or a choice."""
    scope = scope_of(request.user)
    communities = Community.objects.order_by("subdistrict_id", "code")
    if not scope.is_superuser:
        communities = communities.filter(id__in=scope.ids(Role.COMMUNITY_ADMIN))
    return _choose_community(request, communities, "needs:overdue", _("Overdue needs"))


# --- the board ---------------------------------------------------------------------------------


@login_required
def board(request, community_id: int):
    """The community's 共谋 board: filters, sorting, search, one page of needs."""
    community = get_board_community(request.user, community_id)
    categories = ensure_categories(community)
    compounds = list(Compound.objects.filter(community=community).order_by("name"))
    form = BoardFilterForm(request.GET or None, categories=categories, compounds=compounds)
    filters = form.values() if request.GET else {"q": "", "sort": "supported"}
    q = (filters.get("q") or "").strip()
    context = {
        "community": community,
        "form": form,
        "filters": filters,
        "q": q,
        "can_raise": perms.can_raise_need(request.user, community)
        or perms.can_raise_for_others(request.user, community),
        "can_view_overdue": perms.can_view_overdue(request.user, community),
        "can_manage": perms.can_manage_settings(request.user, community),
    }
    if q:
        number = _page_number(request)
        count, results = selectors.search_needs(
            request.user, community, q, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
        )
        context.update(
            results=results,
            result_count=count,
            page_number=number,
            has_next=number * PAGE_SIZE < count,
            supported=selectors.supported_ids(request.user, [r.need.pk for r in results]),
        )
        return render(request, "needs/search.html", context)
    rows = selectors.board_needs(
        community,
        status=filters.get("status") or "",
        category=filters.get("category"),
        compound=filters.get("compound"),
        sort=filters["sort"],
    )
    # Page through ids along the sort's index; then fetch the page's rows with their joins.
    page = Paginator(rows.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.rows_in_order(page.object_list)
    pending = selectors.pending_needs(request.user, community)
    context.update(
        page=page,
        entries=[selectors.Result.of(need) for need in page.object_list],
        pending=pending,
        supported=selectors.supported_ids(request.user, [n.pk for n in page.object_list]),
    )
    return render(request, "needs/board.html", context)


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 500))
    except (TypeError, ValueError):
        return 1


@login_required
@require_GET
def similar(request, community_id: int):
    """Open needs like the one being typed (an htmx fragment under the form)."""
    community = get_board_community(request.user, community_id)
    text = f"{request.GET.get('title', '')} {request.GET.get('text', '')}"[:2000]
    needs = selectors.similar_open_needs(request.user, community, text)
    return render(request, "needs/_similar.html", {"similar": needs, "community": community})


# --- raising and editing -----------------------------------------------------------------------


def _resident_choices(user, community, q: str) -> list:
    """Residents matching q that the worker may raise a need for (代办), masked."""
    q = (q or "").strip()[:50]
    if not q:
        return []
    rows = search_residents(user, community, q).select_related("household__dwelling__building")
    return [r for r in rows[: RESIDENT_MATCHES * 2] if perms.can_raise_on_behalf_of(user, r)][
        :RESIDENT_MATCHES
    ]


def _resident_label(resident) -> str:
    household = resident.household
    dwelling = household.dwelling if household else None
    home = f"{dwelling.building.name} {dwelling.number}" if dwelling else ""
    return f"{mask_name(resident.name)} {home}".strip()


@login_required
def create(request, community_id: int):
    """Raise a need or proposal; workers may raise one for a resident who asked (代办)."""
    community = get_board_community(request.user, community_id)
    as_resident = perms.can_raise_need(request.user, community)
    for_others = perms.can_raise_for_others(request.user, community)
    if not (as_resident or for_others):
        raise PermissionDenied
    categories = ensure_categories(community)
    form = NeedForm(
        request.POST or None,
        request.FILES or None,
        community=community,
        categories=categories,
        for_others=for_others,
    )
    resident_q = request.GET.get("resident_q", "") if for_others else ""
    matches = _resident_choices(request.user, community, resident_q) if for_others else []
    chosen = None
    if for_others:
        chosen_id = request.POST.get("on_behalf_of") or request.GET.get("resident")
        if chosen_id and str(chosen_id).isdigit():
            chosen = next((r for r in matches if r.pk == int(chosen_id)), None) or (
                _resident_choices_by_id(request.user, community, int(chosen_id))
            )
    if request.htmx and request.method == "GET" and "resident_q" in request.GET:
        return render(
            request,
            "needs/_resident_matches.html",
            {
                "resident_q": resident_q,
                "matches": [(r, _resident_label(r)) for r in matches],
                "chosen": None,
            },
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        on_behalf_of = data.get("on_behalf_of") if for_others else None
        if not for_others and request.POST.get("on_behalf_of"):
            form.add_error(None, _("You may not raise needs for other residents."))
        elif on_behalf_of is not None and not perms.can_raise_on_behalf_of(
            request.user, on_behalf_of
        ):
            form.add_error(None, _("You may not raise needs for this resident."))
        elif on_behalf_of is None and not as_resident:
            form.add_error(None, _("Choose the resident who asked you to raise this."))
        else:
            try:
                need = services.raise_need(
                    community=community,
                    actor=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    text=data["text"],
                    category=data["category"],
                    compound=data.get("compound"),
                    building=data.get("building"),
                    photos=data.get("photos") or [],
                    on_behalf_of=on_behalf_of,
                    consent_method=data.get("consent_method", "") if on_behalf_of else "",
                )
            except services.NeedError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if need.is_published:
                    messages.success(request, _("Your need has been published."))
                else:
                    messages.warning(
                        request,
                        _("Your need waits for a moderator before others can see it."),
                    )
                return redirect("needs:detail", need.pk)
    return render(
        request,
        "needs/need_form.html",
        {
            "community": community,
            "form": form,
            "as_resident": as_resident,
            "for_others": for_others,
            "resident_q": resident_q,
            "matches": [(r, _resident_label(r)) for r in matches],
            "chosen": (chosen, _resident_label(chosen)) if chosen else None,
        },
    )


def _resident_choices_by_id(user, community, resident_id: int):
    from gongzhi.registry.models import Resident

    resident = (
        Resident.objects.filter(pk=resident_id, community=community)
        .select_related("household__dwelling__building")
        .first()
    )
    if resident is None or not perms.can_raise_on_behalf_of(user, resident):
        return None
    return resident


@login_required
def edit(request, need_id: int):
    """Change a need's wording and place before the community has responded."""
    need = get_need_for_user(request.user, need_id)
    _refuse_unless(perms.can_edit_need(request.user, need))
    categories = ensure_categories(need.community)
    if need.category not in categories:
        categories = [*categories, need.category]
    initial = {
        "title": need.title,
        "text": need.text,
        "category": need.category_id,
        "compound": need.compound_id,
        "building": need.building_id,
    }
    form = EditNeedForm(
        request.POST or None, initial=initial, community=need.community, categories=categories
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.edit_need(
                need=need,
                actor=request.user,
                title=data["title"],
                text=data["text"],
                category=data["category"],
                compound=data.get("compound"),
                building=data.get("building"),
            )
        except services.NeedError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("needs:detail", need.pk)
    return render(request, "needs/edit.html", {"need": need, "form": form})


# --- a need's page -----------------------------------------------------------------------------


def _author_label(need: Need) -> str:
    """The person the need speaks for, masked: its resident, else the user who wrote it."""
    if need.resident is not None:
        return mask_name(need.resident.name)
    if need.author is not None:
        return mask_name(need.author.name or "")
    return ""


def detail_context(request, need: Need) -> dict:
    user = request.user
    photos = list(NeedPhoto.objects.filter(need=need).order_by("position", "id"))
    events = selectors.history(need)
    comments = list(Comment.objects.thread_for(user, need))
    resident = resident_of(user)
    supported = resident is not None and bool(selectors.supported_ids(user, [need.pk]))
    following = Follow.objects.filter(need=need, user=user).exists()
    can_triage = perms.can_triage(user, need)
    moves = allowed_moves(need.status)
    return {
        "need": need,
        "community": need.community,
        "photos": photos,
        "events": events,
        "comments": comments,
        "author_label": _author_label(need),
        "supported": supported,
        "following": following,
        "can_support": perms.can_support(user, need),
        "can_withdraw": supported and perms.can_withdraw_support(user, need),
        "can_follow": perms.can_follow(user, need),
        "can_comment": perms.can_comment(user, need),
        "can_edit": perms.can_edit_need(user, need),
        "can_triage": can_triage,
        "can_see_on_behalf": perms.can_see_on_behalf_details(user, need),
        "is_own": perms.is_own_need(user, need),
        "actions": [(value, label) for value, label in ACTIONS if value in moves],
        "triage_form": TriageForm() if can_triage else None,
        "reply_form": ReplyForm() if can_triage else None,
        "comment_form": CommentForm(),
        "matter": getattr(need, "matter", None) if need.status == Need.Status.ADOPTED else None,
    }


@login_required
def detail(request, need_id: int):
    """A need's page: its text, photos, supports, history, comments and triage."""
    need = get_need_for_user(request.user, need_id)
    return render(request, "needs/detail.html", detail_context(request, need))


@login_required
def photo(request, photo_id: int):
    """Serve a need's photo to those who may see the need."""
    row = get_object_or_404(NeedPhoto.objects.select_related("need__community"), pk=photo_id)
    if not perms.can_view_need(request.user, row.need):
        raise Http404
    response = FileResponse(row.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- actions on a need -------------------------------------------------------------------------


def _support_box(request, need: Need):
    need.refresh_from_db(fields=["support_count"])
    supported = bool(selectors.supported_ids(request.user, [need.pk]))
    return render(
        request,
        "needs/_support.html",
        {
            "need": need,
            "supported": supported,
            "can_support": perms.can_support(request.user, need),
            "can_withdraw": supported and perms.can_withdraw_support(request.user, need),
        },
    )


@login_required
@require_POST
def support(request, need_id: int):
    need = get_need_for_user(request.user, need_id)
    _refuse_unless(perms.can_support(request.user, need))
    try:
        services.support_need(need=need, actor=request.user)
    except services.NeedError as exc:
        _service_error(request, exc)
    else:
        if not request.htmx:
            messages.success(request, _("Thank you: your support has been counted."))
    if request.htmx:
        return _support_box(request, need)
    return _back(need, "support")


@login_required
@require_POST
def withdraw(request, need_id: int):
    need = get_need_for_user(request.user, need_id)
    _refuse_unless(perms.can_withdraw_support(request.user, need))
    try:
        services.withdraw_support(need=need, actor=request.user)
    except services.NeedError as exc:
        _service_error(request, exc)
    else:
        if not request.htmx:
            messages.success(request, _("Your support has been withdrawn."))
    if request.htmx:
        return _support_box(request, need)
    return _back(need, "support")


@login_required
@require_POST
def follow(request, need_id: int):
    need = get_need_for_user(request.user, need_id)
    _refuse_unless(perms.can_follow(request.user, need))
    services.follow_need(need=need, actor=request.user)
    messages.success(request, _("You will be told of every change to this need."))
    return _back(need)


@login_required
@require_POST
def unfollow(request, need_id: int):
    need = get_need_for_user(request.user, need_id)
    _refuse_unless(perms.can_follow(request.user, need))
    services.unfollow_need(need=need, actor=request.user)
    messages.success(request, _("You no longer follow this need."))
    return _back(need)


@login_required
@require_POST
def comment(request, need_id: int):
    need = get_need_for_user(request.user, need_id)
    _refuse_unless(perms.can_comment(request.user, need))
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment of at most 2,000 characters."))
        return _back(need, "comments")
    parent = None
    parent_id = form.cleaned_data.get("parent")
    if parent_id:
        parent = Comment.objects.filter(pk=parent_id, need=need).first()
        if parent is None:
            raise Http404
    try:
        created = services.comment_on_need(
            need=need, actor=request.user, text=form.cleaned_data["text"], parent=parent
        )
    except services.NeedError as exc:
        _service_error(request, exc)
        return _back(need, "comments")
    if created.is_published:
        messages.success(request, _("Your comment has been published."))
    else:
        messages.warning(request, _("Your comment waits for a moderator."))
    return _back(need, f"comment-{created.pk}")


@login_required
@require_POST
def triage(request, need_id: int):
    """One triage move with its public reply (accept, merge, decline, answer, adopt)."""
    need = get_need_for_user(request.user, need_id)
    _refuse_unless(perms.can_triage(request.user, need))
    form = TriageForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, need)
        context["triage_form"] = form
        return render(request, "needs/detail.html", context, status=400)
    data = form.cleaned_data
    target = None
    if data["to_status"] == Need.Status.MERGED:
        target = Need.objects.filter(pk=data["merge_into"], community=need.community).first()
        if target is None or not perms.can_view_need(request.user, target):
            form.add_error("merge_into", _("No need with this number on the community's board."))
            context = detail_context(request, need)
            context["triage_form"] = form
            return render(request, "needs/detail.html", context, status=400)
    try:
        event = services.transition_need(
            need=need,
            actor=request.user,
            to_status=data["to_status"],
            reply=data["reply"],
            merge_into=target,
        )
    except services.NeedError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        context = detail_context(request, need)
        context["triage_form"] = form
        return render(request, "needs/detail.html", context, status=400)
    messages.success(request, _("Done. The author and followers have been told."))
    if data["to_status"] == Need.Status.ADOPTED:
        need.refresh_from_db()
        matter = getattr(need, "matter", None)
        if matter is not None:
            return redirect("matters:detail", matter.pk)
    return _back(need, f"event-{event.pk}")


@login_required
@require_POST
def reply(request, need_id: int):
    need = get_need_for_user(request.user, need_id)
    _refuse_unless(perms.can_reply(request.user, need))
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reply."))
        return _back(need, "triage")
    try:
        event = services.reply_to_need(
            need=need, actor=request.user, text=form.cleaned_data["text"]
        )
    except services.NeedError as exc:
        _service_error(request, exc)
        return _back(need, "triage")
    messages.success(request, _("Your reply has been published."))
    return _back(need, f"event-{event.pk}")


# --- community admin pages ---------------------------------------------------------------------


@login_required
def overdue(request, community_id: int):
    """Needs past the community's response time without a public response."""
    community = get_object_or_404(Community, pk=community_id)
    if not perms.can_view_overdue(request.user, community):
        raise Http404
    page = Paginator(selectors.overdue_needs(community), 50).get_page(request.GET.get("page"))
    return render(request, "needs/overdue.html", {"community": community, "page": page})


@login_required
def settings_page(request, community_id: int):
    """The community's threshold, response time and categories."""
    community = get_object_or_404(Community, pk=community_id)
    if not perms.can_manage_settings(request.user, community):
        raise Http404
    ensure_categories(community)
    current = NeedSettings.for_community(community)
    form = SettingsForm(
        request.POST if request.POST.get("form") == "settings" else None, instance=current
    )
    category_form = CategoryForm(request.POST if request.POST.get("form") == "category" else None)
    if request.method == "POST":
        done = _save_settings(request, community, form, category_form)
        if done:
            return redirect("needs:settings", community.pk)
    from .models import Category

    return render(
        request,
        "needs/settings.html",
        {
            "community": community,
            "form": form,
            "category_form": category_form,
            "categories": Category.objects.filter(community=community).order_by("position", "id"),
        },
    )


def _save_settings(request, community, form, category_form) -> bool:
    from .models import Category

    kind = request.POST.get("form")
    if kind == "settings" and form.is_valid():
        services.update_settings(
            community=community,
            actor=request.user,
            support_threshold=form.cleaned_data["support_threshold"],
            response_working_days=form.cleaned_data["response_working_days"],
        )
        messages.success(request, _("The settings have been saved."))
        return True
    if kind == "category" and category_form.is_valid():
        try:
            services.add_category(
                community=community, actor=request.user, name=category_form.cleaned_data["name"]
            )
        except services.NeedError as exc:
            category_form.add_error("name", exc.message)
            return False
        messages.success(request, _("The category has been added."))
        return True
    if kind == "toggle":
        raw = request.POST.get("category", "")
        category = (
            Category.objects.filter(community=community, pk=int(raw)).first()
            if raw.isdigit()
            else None
        )
        if category is None:
            raise Http404
        services.set_category_active(
            category=category, actor=request.user, active=request.POST.get("active") == "1"
        )
        messages.success(request, _("The category has been updated."))
        return True
    return False
