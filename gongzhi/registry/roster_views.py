"""Excel roster pages: upload, dry-run preview, confirm, result; template and export downloads.

The uploaded file waits between preview and confirm under MEDIA_ROOT/roster-uploads/ with a
random name kept in the session, and is deleted once imported or discarded.
"""

import re
import secrets
import time
from io import BytesIO
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .forms_roster import RosterUploadForm
from .models import Community
from .permissions import can_import_roster
from .roster import (
    XLSX_CONTENT_TYPE,
    RosterFileError,
    RosterHasErrors,
    export_roster,
    import_roster,
    parse_roster,
    write_template,
)

UPLOAD_DIR = "roster-uploads"
SESSION_KEY = "roster_uploads"  # {community id: {"token": ..., "name": ...}}
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
ERRORS_SHOWN = 200
# Uploads previewed but never confirmed or discarded are removed after a day.
STALE_SECONDS = 24 * 3600


def _community_for_roster(request, community_id: int) -> Community:
    """Return the community if the user may import its roster; 404 otherwise."""
    community = get_object_or_404(Community.objects.select_related("subdistrict"), pk=community_id)
    if not can_import_roster(request.user, community):
        raise Http404
    return community


def _upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR


def _sweep_stale_uploads() -> None:
    cutoff = time.time() - STALE_SECONDS
    for path in _upload_dir().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # another request swept it first
            pass


def _save_upload(request, community: Community, upload) -> Path:
    """Keep the upload on disk until it is confirmed, replacing any earlier one."""
    _discard_upload(request, community)
    directory = _upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _sweep_stale_uploads()
    token = secrets.token_hex(16)
    path = directory / f"{token}.xlsx"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    uploads = request.session.get(SESSION_KEY, {})
    uploads[str(community.pk)] = {"token": token, "name": upload.name[:200]}
    request.session[SESSION_KEY] = uploads
    return path


def _pending_upload(request, community: Community) -> tuple[Path, str] | None:
    """Return (path, original name) of the file waiting for confirmation, if it still exists."""
    entry = request.session.get(SESSION_KEY, {}).get(str(community.pk))
    if not entry or not TOKEN_RE.match(entry.get("token", "")):
        return None
    path = _upload_dir() / f"{entry['token']}.xlsx"
    return (path, entry.get("name", "")) if path.is_file() else None


def _discard_upload(request, community: Community) -> None:
    pending = _pending_upload(request, community)
    if pending is not None:
        pending[0].unlink(missing_ok=True)
    uploads = request.session.get(SESSION_KEY, {})
    if uploads.pop(str(community.pk), None) is not None:
        request.session[SESSION_KEY] = uploads


def _render_upload(request, community: Community, form: RosterUploadForm, status: int = 200):
    pending = _pending_upload(request, community)
    context = {"community": community, "form": form, "pending_name": pending and pending[1]}
    return render(request, "registry/roster_import.html", context, status=status)


def _render_preview(request, community: Community, check, file_name: str, status: int = 200):
    context = {
        "community": community,
        "check": check,
        "file_name": file_name,
        "errors": list(islice(check.errors(), ERRORS_SHOWN)),
        "error_count": check.error_count,
        "errors_shown": ERRORS_SHOWN,
    }
    return render(request, "registry/roster_preview.html", context, status=status)


def _upload_failed(request, community: Community, form: RosterUploadForm, message: str):
    _discard_upload(request, community)
    form.add_error("file", message)
    return _render_upload(request, community, form, status=400)


def _handle_upload(request, community: Community):
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_upload(request, community, form, status=400)
    upload = form.cleaned_data["file"]
    path = _save_upload(request, community, upload)
    try:
        check = parse_roster(path, community)
    except RosterFileError as exc:
        return _upload_failed(request, community, form, exc.message)
    return _render_preview(request, community, check, upload.name)


def _handle_preview_again(request, community: Community):
    pending = _pending_upload(request, community)
    if pending is None:
        messages.error(request, _("The uploaded file is no longer here; upload it again."))
        return redirect("registry:roster-import", community.pk)
    path, name = pending
    try:
        check = parse_roster(path, community)
    except RosterFileError as exc:
        return _upload_failed(request, community, RosterUploadForm(), exc.message)
    return _render_preview(request, community, check, name)


def _handle_confirm(request, community: Community, *, only_valid: bool):
    pending = _pending_upload(request, community)
    if pending is None:
        messages.error(request, _("The uploaded file is no longer here; upload it again."))
        return redirect("registry:roster-import", community.pk)
    path, name = pending
    try:
        result = import_roster(
            community=community, actor=request.user, file=path, only_valid=only_valid
        )
    except RosterHasErrors as exc:
        messages.error(request, exc.message)
        return _render_preview(request, community, exc.check, name, status=400)
    except RosterFileError as exc:
        return _upload_failed(request, community, RosterUploadForm(), exc.message)
    except IntegrityError:
        # Someone changed the same dwellings at the same moment; the transaction rolled back.
        messages.error(
            request, _("The register changed while importing; nothing was imported. Try again.")
        )
        return redirect("registry:roster-import", community.pk)
    _discard_upload(request, community)
    context = {"community": community, "result": result, "file_name": name}
    return render(request, "registry/roster_result.html", context)


@login_required
def roster_import(request, community_id: int):
    """Upload a roster, see the dry run, then import it (or only its valid rows)."""
    community = _community_for_roster(request, community_id)
    if request.method != "POST":
        return _render_upload(request, community, RosterUploadForm())
    action = request.POST.get("action", "upload")
    if action == "upload":
        return _handle_upload(request, community)
    if action == "preview":
        return _handle_preview_again(request, community)
    if action in ("import", "import_valid"):
        return _handle_confirm(request, community, only_valid=action == "import_valid")
    if action == "cancel":
        _discard_upload(request, community)
        messages.info(request, _("The uploaded file was discarded; nothing was imported."))
    return redirect("registry:roster-import", community.pk)


@login_required
@require_GET
def roster_template(request, community_id: int):
    """Download the empty roster template."""
    _community_for_roster(request, community_id)
    return FileResponse(
        BytesIO(write_template()),
        as_attachment=True,
        filename="roster-template.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
@require_GET
def roster_export(request, community_id: int):
    """Download the community's roster in the template's format (audited)."""
    community = _community_for_roster(request, community_id)
    out = export_roster(community=community, actor=request.user)
    filename = f"roster-{community.full_code}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
