"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2).

Every method of the spec in .xml (required) and .json (Spark convention): discovery,
services (from the categories), service definitions, POST requests (api_key required: an
accounts ApiToken), GET requests with the spec's filters and defaults, GET one request, and
tokens. Errors are the spec's <errors>/[{code, description}] with 400, 403 or 404.

Choices the spec leaves open:
- jurisdiction_id is a community's full code (subdistrict 9 digits + community 3). The
  endpoint serves many communities, so POST and GET requests require it (400 without it);
  services, one request and tokens accept it as a check.
- service_code is the category's major + minor code ("0102"); component categories, whose
  codes repeat the event classes' numbers, carry a "C" ("C0101").
- Services are realtime: POST returns service_request_id. A token is a signed request id
  (token_for), which GET tokens resolves.
- GET responses carry no personal data of the reporter; POST keeps only the name and phone
  (for the call-back) and drops email and device_id (PIPL: minimum necessary).
- GET answers are public, so a successful one is cached for settings.OPEN311_CACHE_SECONDS
  (60 by default).
"""

import datetime as dt
import functools
import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Max, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.accounts.models import ApiToken, hash_token
from gongzhi.core.db import prepared_plans
from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Building, Community

from .models import FINAL_STATUSES, Case, Category, Status
from .services import CaseError, report_case

SPEC = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
FORMATS_MIME = ("text/xml", "application/json")
MAX_RESULTS = 1000
MAX_SPAN = dt.timedelta(days=90)
MAX_DESCRIPTION = 4000
SIGNING_NAMESPACE = "gongzhi.open311.token"
# Fixed date of this endpoint's own shape; category changes move the changeset later.
BASE_CHANGESET = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Open311Error(Exception):
    """An error answered in the spec's format; status is the HTTP status."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# --- rendering ----------------------------------------------------------------------------


# Characters XML 1.0 cannot carry at all; a resident's text could hold them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The element names of list items where dropping an "s" does not give them.
LIST_ITEMS = {"service_requests": "request", "errors": "error", "attributes": "attribute"}


def _xml_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(NOT_XML.sub("", str(value)))


def _xml(tag: str, value, out: list[str]) -> None:
    """Append the XML of value under tag: dicts are elements, lists hold one child each."""
    if isinstance(value, dict):
        out.append(f"<{tag}>")
        for key, item in value.items():
            _xml(key, item, out)
        out.append(f"</{tag}>")
    elif isinstance(value, list):
        # Spark convention: a list <things> holds one <thing> per item.
        child = LIST_ITEMS.get(tag, tag.rstrip("s"))
        out.append(f"<{tag}>")
        for item in value:
            _xml(child, item, out)
        out.append(f"</{tag}>")
    elif value is None:
        out.append(f"<{tag}/>")
    else:
        out.append(f"<{tag}>{_xml_text(value)}</{tag}>")


def render(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    """Answer data as XML under root, or as JSON (the same data, root dropped)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    else:
        # Written out directly: building an ElementTree doubled the time of a long list.
        out = ['<?xml version="1.0" encoding="utf-8"?>\n']
        _xml(root, data, out)
        body = "".join(out)
    return HttpResponse(body.encode("utf-8"), status=status, content_type=FORMATS[fmt])


def render_error(fmt: str, error: Open311Error) -> HttpResponse:
    body = [{"code": error.status, "description": error.description}]
    return render(fmt if fmt in FORMATS else "xml", "errors", body, status=error.status)


def cache_seconds() -> int:
    """How long a GET answer is served from the cache (0: never)."""
    return settings.OPEN311_CACHE_SECONDS


def _cache_key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"open311:{translation.get_language()}:{path}"


def open311_view(view):
    """Check the format, and turn Open311Error into the spec's error response.

    Successful GET answers are public and the same for every client, so they are served
    from the cache for cache_seconds(): clients poll, and a change shows within that time.
    """

    def wrapper(request, fmt: str, **kwargs):
        if fmt not in FORMATS:
            return render_error("xml", Open311Error(400, _("Use the .xml or .json format.")))
        seconds = cache_seconds() if request.method == "GET" else 0
        if seconds:
            hit = cache.get(_cache_key(request))
            if hit is not None:
                return HttpResponse(hit, content_type=FORMATS[fmt])
        try:
            with prepared_plans():  # the same few queries, polled all day
                response = view(request, fmt, **kwargs)
        except Open311Error as error:
            return render_error(fmt, error)
        if seconds and response.status_code == 200:
            cache.set(_cache_key(request), response.content, seconds)
        return response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def w3c(moment: dt.datetime | None) -> str | None:
    """Format a moment as W3C/ISO 8601 with its UTC offset, in Asia/Shanghai."""
    if moment is None:
        return None
    # The zone is looked up once: timezone.localtime() costs more than the formatting.
    return moment.astimezone(_zone(settings.TIME_ZONE)).isoformat(timespec="seconds")


# --- reading arguments --------------------------------------------------------------------


def _param(request, name: str) -> str:
    """Return a parameter from the query string or the form; empty counts as absent."""
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or request.GET.get(name) or "").strip()


def _list_param(request, name: str) -> list[str]:
    """Read a parameter that may be repeated and comma delimited."""
    values = request.GET.getlist(name)
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def community_for(jurisdiction_id: str) -> Community:
    """Return the community with this full code, or raise a 404."""
    code = jurisdiction_id.strip()
    community = None
    if len(code) == 12 and code.isdigit():
        community = (
            Community.objects.select_related("subdistrict")
            .filter(subdistrict__code=code[:9], code=code[9:])
            .first()
        )
    if community is None:
        raise Open311Error(404, _("jurisdiction_id %(id)s was not found.") % {"id": code})
    return community


def _jurisdiction(request, *, required: bool) -> Community | None:
    code = _param(request, "jurisdiction_id")
    if not code:
        if required:
            raise Open311Error(
                400,
                _(
                    "jurisdiction_id was not provided: this endpoint serves many communities; "
                    "give the community's 12-digit code."
                ),
            )
        return None
    return community_for(code)


def _parse_moment(value: str, name: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise Open311Error(
            400, _("%(name)s must be a W3C datetime, e.g. 2025-01-01T00:00:00Z.") % {"name": name}
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


# --- services -----------------------------------------------------------------------------


def service_code(kind: str, major: str, minor: str) -> str:
    """Return the Open311 service_code of a category."""
    prefix = "C" if kind == Category.Kind.COMPONENT else ""
    return f"{prefix}{major}{minor}"


def parse_service_code(code: str) -> tuple[str, str, str] | None:
    """Return (kind, major, minor) for a service_code, or None if it cannot be one."""
    kind = Category.Kind.EVENT
    if code[:1] in {"C", "c"}:
        kind, code = Category.Kind.COMPONENT, code[1:]
    if len(code) != 4 or not code.isdigit():
        return None
    return kind, code[:2], code[2:]


def _categories(community: Community | None):
    """The minor categories a jurisdiction offers (the shared seed without one)."""
    categories = Category.objects.all()
    if community is not None:
        categories = categories.for_community(community)
    else:
        categories = categories.filter(community__isnull=True)
    return categories.minors().filter(is_active=True).select_related("parent")


def _major_name(category: Category) -> str:
    return category.parent.name if category.parent is not None else ""


def _service(category: Category) -> dict:
    group = _major_name(category)
    return {
        "service_code": service_code(category.kind, category.major_code, category.minor_code),
        "service_name": category.name,
        "description": category.filing_criteria or category.name,
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(k for k in (group, category.name) if k),
        "group": group,
    }


def _category_for(community: Community | None, code: str) -> Category:
    parsed = parse_service_code(code)
    category = None
    if parsed:
        kind, major, minor = parsed
        category = (
            _categories(community).filter(kind=kind, major_code=major, minor_code=minor).first()
        )
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    return category


@require_GET
@open311_view
def discovery(request, fmt: str):
    """Describe this endpoint: specification, URL, formats, how to get a key."""
    base = request.build_absolute_uri(reverse("open311:discovery", args=[fmt]))
    url = base.rsplit("/", 1)[0]
    latest = AuditEntry.objects.filter(target_type="cases.category").aggregate(at=Max("at"))["at"]
    changeset = w3c(max(filter(None, (latest, BASE_CHANGESET))))
    data = {
        "changeset": changeset,
        "contact": str(_("Ask your community's office (社区居委会) for help with this service.")),
        "key_service": _(
            "Log in and create an API token on the page %(url)s; send it as api_key. "
            "Requests you post are recorded under your account."
        )
        % {"url": request.build_absolute_uri(reverse("accounts:api-tokens"))},
        "endpoints": [
            {
                "specification": SPEC,
                "url": url,
                "changeset": changeset,
                "type": "production" if not settings.DEBUG else "test",
                "formats": list(FORMATS_MIME),
            }
        ],
    }
    return render(fmt, "discovery", data)


@require_GET
@open311_view
def services(request, fmt: str):
    """List the service types: the minor categories of the jurisdiction."""
    community = _jurisdiction(request, required=False)
    rows = [_service(category) for category in _categories(community)]
    return render(fmt, "services", rows)


@require_GET
@open311_view
def service_definition(request, fmt: str, code: str):
    """Define a service's extra attributes (none: every service has metadata false)."""
    community = _jurisdiction(request, required=False)
    category = _category_for(community, code)
    data = {
        "service_code": service_code(category.kind, category.major_code, category.minor_code),
        "attributes": [],
    }
    return render(fmt, "service_definition", data)


# --- requests: reading --------------------------------------------------------------------


STATUS_FILTER = {
    "open": [s for s in Status.values if s not in FINAL_STATUSES],
    "closed": [s.value for s in FINAL_STATUSES],
}


def _public_cases():
    """Cases with what a request's fields need, in one query."""
    return Case.objects.values(
        "pk",
        "status",
        "text",
        "address",
        "building_id",
        "building__name",
        "compound__name",
        "latitude",
        "longitude",
        "media_url",
        "reply_text",
        "merged_into_id",
        "emergency_number",
        "created_at",
        "updated_at",
        "closed_at",
        "due_at",
        "category__kind",
        "category__major_code",
        "category__minor_code",
        "category__name",
        "category__time_limit",
        "category__time_unit",
        "current_unit__name",
    )


NOTICES = {
    "working_hours": gettext_lazy("To be answered within %(n)s working hours."),
    "working_days": gettext_lazy("To be answered within %(n)s working days."),
    "calendar_hours": gettext_lazy("To be answered within %(n)s hours."),
}


@functools.lru_cache(maxsize=512)
def _notice_in(language: str, limit: int, unit: str) -> str | None:
    phrase = NOTICES.get(unit)
    return str(phrase) % {"n": limit} if phrase and limit else None


def _service_notice(row) -> str | None:
    """Say the time limit of the request's category, in the request's language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return _notice_in(language, row["category__time_limit"], row["category__time_unit"])


def _status_notes(row) -> str | None:
    """Explain the current status by the latest public step of the timeline.

    Each public step (received, dispatched, accepted, started, replied, closed, reopened,
    merged, redirected) is the transition into a status, so the status names the latest
    public step without a query. The internal steps say nothing of their content: a return
    (its reason stays internal) reads "being dispatched again", a call-back leaves the reply
    standing or reopens the case, a note changes nothing.
    """
    status, unit = row["status"], row["current_unit__name"]
    if status in {Status.REPLIED, Status.CALLBACK_DONE, Status.CLOSED} and row["reply_text"]:
        return row["reply_text"][:MAX_DESCRIPTION]
    if status == Status.MERGED and row["merged_into_id"]:
        return _("Duplicate of request %(id)s.") % {"id": row["merged_into_id"]}
    if status == Status.REDIRECTED_EMERGENCY:
        return _("Redirected to the emergency number %(number)s.") % {
            "number": row["emergency_number"]
        }
    if status in UNIT_NOTES and unit:
        return UNIT_NOTES[status] % {"unit": unit}
    note = STATUS_NOTES.get(status)
    return str(note) if note else None


# Notes naming the unit at work, and notes for the other statuses.
UNIT_NOTES = {
    Status.DISPATCHED: gettext_lazy("Dispatched to %(unit)s."),
    Status.ACCEPTED: gettext_lazy("Accepted by %(unit)s."),
    Status.IN_PROGRESS: gettext_lazy("%(unit)s is handling it."),
}
STATUS_NOTES = {
    Status.RECEIVED: gettext_lazy("Received."),
    Status.DISPATCHED: gettext_lazy("Being dispatched."),
    Status.RETURNED: gettext_lazy("Being dispatched again."),
    Status.ACCEPTED: gettext_lazy("Accepted."),
    Status.IN_PROGRESS: gettext_lazy("Being handled."),
    Status.REOPENED: gettext_lazy("Reopened for further handling."),
    Status.CLOSED: gettext_lazy("Closed."),
}


def _number(value: Decimal | None, fmt: str):
    if value is None:
        return None
    return float(value) if fmt == "json" else format(value.normalize(), "f")


def _request_out(row, fmt: str) -> dict:
    """One service request as the spec lists its fields; no personal data."""
    address = row["address"] or " ".join(
        part for part in (row["compound__name"], row["building__name"]) if part
    )
    # Uploaded photos stay behind the case page's permission check: only a link an Open311
    # client gave is public.
    media = row["media_url"] or None
    closed = row["status"] in FINAL_STATUSES
    updated = row["closed_at"] if row["status"] == Status.CLOSED and row["closed_at"] else None
    # In the order the spec lists the fields.
    return {
        "service_request_id": str(row["pk"]),
        "status": "closed" if closed else "open",
        "status_notes": _status_notes(row),
        "service_name": row["category__name"],
        "service_code": service_code(
            row["category__kind"], row["category__major_code"], row["category__minor_code"]
        ),
        "description": (row["text"] or "")[:MAX_DESCRIPTION],
        "agency_responsible": row["current_unit__name"],
        "service_notice": None if closed else _service_notice(row),
        "requested_datetime": w3c(row["created_at"]),
        "updated_datetime": w3c(updated or row["updated_at"]),
        "expected_datetime": w3c(row["due_at"]),
        "address": address or None,
        "address_id": str(row["building_id"]) if row["building_id"] else None,
        "zipcode": None,
        "lat": _number(row["latitude"], fmt),
        "long": _number(row["longitude"], fmt),
        "media_url": media,
    }


def _ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        if not value.isdigit() or len(value) > 18:
            raise Open311Error(400, _("service_request_id must be numbers."))
        ids.append(int(value))
    return ids[:MAX_RESULTS]


def _window(request) -> tuple[dt.datetime, dt.datetime | None]:
    """Read start_date and end_date: the spec's default is the last 90 days, and a given
    range may not span more than 90 days."""
    start_text, end_text = _param(request, "start_date"), _param(request, "end_date")
    start = _parse_moment(start_text, "start_date") if start_text else None
    end = _parse_moment(end_text, "end_date") if end_text else None
    if start and end:
        if end < start:
            raise Open311Error(400, _("end_date is before start_date."))
        if end - start > MAX_SPAN:
            raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
        return start, end
    if start:
        return start, start + MAX_SPAN
    if end:
        return end - MAX_SPAN, end
    return timezone.now() - MAX_SPAN, None


def find_requests(request, fmt: str) -> list[dict]:
    """Select the requests GET requests asks for, newest first, at most 1000."""
    community = _jurisdiction(request, required=True)
    assert community is not None  # required=True raises instead of returning None
    cases = _public_cases().filter(community=community)
    ids = _list_param(request, "service_request_id")
    if ids:
        # "This overrides all other arguments."
        cases = cases.filter(pk__in=_ids(ids))
    else:
        start, end = _window(request)
        cases = cases.filter(created_at__gte=start)
        if end is not None:
            cases = cases.filter(created_at__lte=end)
        codes = _list_param(request, "service_code")
        if codes:
            cases = cases.filter(category_id__in=_category_ids(community, codes))
        statuses = _list_param(request, "status")
        if statuses:
            unknown = [s for s in statuses if s not in STATUS_FILTER]
            if unknown:
                raise Open311Error(400, _("status must be open or closed."))
            cases = cases.filter(status__in=[v for s in set(statuses) for v in STATUS_FILTER[s]])
    rows = cases.order_by("-created_at", "-pk")[:MAX_RESULTS]
    return [_request_out(row, fmt) for row in rows]


def _category_ids(community: Community, codes: list[str]) -> list[int]:
    """The ids of the categories (of any community's copy) behind these service codes."""
    condition = Q()
    for code in codes:
        parsed = parse_service_code(code)
        if parsed:
            kind, major, minor = parsed
            condition |= Q(kind=kind, major_code=major, minor_code=minor)
    if not condition:
        return []
    rows = Category.objects.filter(condition).filter(
        Q(community__isnull=True) | Q(community=community)
    )
    return list(rows.values_list("pk", flat=True))


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def requests_view(request, fmt: str):
    """GET: query requests (the spec's filters and defaults); POST: create one."""
    if request.method == "POST":
        return create_request(request, fmt)
    return render(fmt, "service_requests", find_requests(request, fmt))


@require_GET
@open311_view
def request_detail(request, fmt: str, request_id: str):
    """Return one request by its id."""
    community = _jurisdiction(request, required=False)
    cases = _public_cases()
    if community is not None:
        cases = cases.filter(community=community)
    valid = request_id.isdigit() and len(request_id) <= 18
    row = cases.filter(pk=int(request_id)).first() if valid else None
    if row is None:
        raise Open311Error(404, _("service_request_id %(id)s was not found.") % {"id": request_id})
    return render(fmt, "service_requests", [_request_out(row, fmt)])


# --- tokens -------------------------------------------------------------------------------


def token_for(case: Case) -> str:
    """Return a token that resolves to the case's service_request_id."""
    return signing.Signer(salt=SIGNING_NAMESPACE).sign(str(case.pk)).replace(":", ".")


@require_GET
@open311_view
def token_detail(request, fmt: str, token: str):
    """Resolve a token to its service_request_id."""
    community = _jurisdiction(request, required=False)
    try:
        case_id = int(signing.Signer(salt=SIGNING_NAMESPACE).unsign(token.replace(".", ":")))
    except (signing.BadSignature, ValueError):
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token}) from None
    cases = Case.objects.filter(pk=case_id)
    if community is not None:
        cases = cases.filter(community=community)
    if not cases.exists():
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token})
    return render(fmt, "service_requests", [{"service_request_id": str(case_id), "token": token}])


# --- requests: creating -------------------------------------------------------------------


def _api_user(request):
    """Return the user whose ApiToken is the api_key, or raise a 403."""
    key = _param(request, "api_key")
    if not key:
        raise Open311Error(403, _("api_key was not provided."))
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        raise Open311Error(403, _("Invalid api_key received."))
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def _coordinate(value: str, name: str, limit: int) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > limit:
        raise Open311Error(400, _("%(name)s is not a WGS84 coordinate.") % {"name": name})
    return number.quantize(Decimal("0.000001"))


def _location(request, community: Community) -> dict:
    """Read lat & long, address_string or address_id (a building id): one is required."""
    lat, long_, address = (
        _param(request, "lat"),
        _param(request, "long"),
        _param(request, "address_string"),
    )
    address_id = _param(request, "address_id")
    if not ((lat and long_) or address or address_id):
        raise Open311Error(
            400, _("A location is required: lat and long, address_string or address_id.")
        )
    if bool(lat) != bool(long_):
        raise Open311Error(400, _("lat and long must both be sent."))
    out: dict = {"address": address[:300]}
    if lat:
        out["latitude"] = _coordinate(lat, "lat", 90)
        out["longitude"] = _coordinate(long_, "long", 180)
    if address_id:
        building = (
            Building.objects.select_related("compound", "grid")
            .filter(community=community, pk=int(address_id))
            .first()
            if address_id.isdigit() and len(address_id) <= 18
            else None
        )
        if building is None:
            raise Open311Error(400, _("address_id %(id)s is not known.") % {"id": address_id})
        out["building"] = building
    return out


def create_request(request, fmt: str) -> HttpResponse:
    """POST requests: create a case from an Open311 client."""
    user = _api_user(request)
    community = _jurisdiction(request, required=True)
    assert community is not None  # required=True raises instead of returning None
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = _category_for(community, code)
    location = _location(request, community)
    description = _param(request, "description")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, _("description is limited to 4,000 characters."))
    media_url = _param(request, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Open311Error(400, _("media_url is not a valid URL.")) from None
    # Chinese order: family name first.
    name = f"{_param(request, 'last_name')}{_param(request, 'first_name')}"
    try:
        case = report_case(
            community=community,
            category=category,
            text=description or category.name,
            channel=Case.Channel.OPEN311,
            actor=user,
            reporter_name=name,
            reporter_phone=_param(request, "phone")[:20],
            media_url=media_url[:500],
            **location,
        )
    except CaseError as error:
        raise Open311Error(400, str(error.message)) from None
    notice = _service_notice(
        {"category__time_limit": category.time_limit, "category__time_unit": category.time_unit}
    )
    body = [
        {
            "service_request_id": str(case.pk),
            "service_notice": notice,
            "account_id": _param(request, "account_id") or None,
        }
    ]
    return render(fmt, "service_requests", body)
