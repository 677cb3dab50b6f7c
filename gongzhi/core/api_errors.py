"""One JSON error shape for the whole API: {"code", "message", "errors"}."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class ErrorOut(Schema):
    """The API's one error shape."""

    code: str
    message: str
    errors: dict[str, list[str]]


def error_body(code: str, message: str, errors: dict | None = None) -> dict:
    return {"code": code, "message": message, "errors": errors or {}}


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [
            str(part)
            for part in err.get("loc", [])
            if part not in ("body", "query", "path", "payload", "form", "file")
        ]
        out.setdefault(".".join(loc) or "__all__", []).append(str(err.get("msg", "")))
    return out


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation(request, exc):
        return api.create_response(
            request,
            error_body("invalid", _("Some fields are not valid."), _field_errors(exc)),
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc):
        return api.create_response(
            request, error_body("unauthorized", _("Please log in.")), status=401
        )

    @api.exception_handler(Http404)
    def on_404(request, exc):
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        return api.create_response(
            request, error_body(f"http_{exc.status_code}", str(exc)), status=exc.status_code
        )
