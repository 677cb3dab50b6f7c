"""A small Open311 GeoReport v2 client written from the spec alone, for the tests.

It knows only what http://wiki.open311.org/GeoReport_v2 and /Service_Discovery say: the
element names, the XML declaration, content types, W3C datetimes with an offset, open/closed,
and the <errors> shape. Every answer it parses is checked against those rules.
"""

import json
import re
import xml.etree.ElementTree as ET

BASE = "/open311/v2"
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type")
SERVICE_OPTIONAL = ("keywords", "group")
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "service_name",
    "service_code",
    "requested_datetime",
    "updated_datetime",
)
REQUEST_OPTIONAL = (
    "status_notes",
    "description",
    "agency_responsible",
    "service_notice",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
DATETIME_FIELDS = ("requested_datetime", "updated_datetime", "expected_datetime")


class SpecViolation(AssertionError):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise SpecViolation(message)


def _text(element: ET.Element, tag: str) -> str | None:
    child = element.find(tag)
    return None if child is None else (child.text or "")


def parse(response, fmt: str):
    """Check the envelope of an answer and return its XML root or JSON value."""
    check(
        response["Content-Type"] == CONTENT_TYPES[fmt],
        f"Content-Type is {response['Content-Type']!r}",
    )
    body = response.content.decode("utf-8")
    if fmt == "json":
        return json.loads(body)
    check(
        body.lower().startswith('<?xml version="1.0" encoding="utf-8"?>'),
        "XML must start with the declaration giving encoding utf-8",
    )
    # The server under test wrote this XML; it is not untrusted input.
    root = ET.fromstring(response.content)  # noqa: S314
    check("}" not in root.tag, "no namespace is expected")
    return root


def errors(response, fmt: str) -> list[dict]:
    """Parse an error answer: [{"code", "description"}] or <errors><error>."""
    data = parse(response, fmt)
    if fmt == "json":
        check(isinstance(data, list) and data, "errors must be a non-empty array")
        for item in data:
            check({"code", "description"} <= set(item), "an error has code and description")
        return data
    check(data.tag == "errors", f"root must be <errors>, not <{data.tag}>")
    out = []
    for error in data.findall("error"):
        code, description = _text(error, "code"), _text(error, "description")
        check(code is not None and description, "an <error> has <code> and <description>")
        out.append({"code": int(str(code)), "description": description})
    check(out, "<errors> holds at least one <error>")
    return out


def discovery(response, fmt: str) -> dict:
    data = parse(response, fmt)
    if fmt == "xml":
        check(data.tag == "discovery", "root must be <discovery>")
        endpoints = []
        for endpoint in data.findall("endpoints/endpoint"):
            item: dict[str, object] = {
                tag: _text(endpoint, tag) for tag in ("specification", "url", "changeset")
            }
            item["type"] = _text(endpoint, "type")
            item["formats"] = [f.text for f in endpoint.findall("formats/format")]
            endpoints.append(item)
        data = {tag: _text(data, tag) for tag in ("changeset", "contact", "key_service")} | {
            "endpoints": endpoints
        }
    for field in ("changeset", "contact", "key_service", "endpoints"):
        check(data.get(field), f"discovery needs {field}")
    for endpoint in data["endpoints"]:
        for field in ("specification", "url", "changeset", "type", "formats"):
            check(endpoint.get(field), f"an endpoint needs {field}")
        check(endpoint["type"] in {"production", "test"}, "type is production or test")
    return data


def services(response, fmt: str) -> list[dict]:
    data = parse(response, fmt)
    if fmt == "xml":
        check(data.tag == "services", "root must be <services>")
        items = []
        for service in data.findall("service"):
            items.append({tag: _text(service, tag) for tag in SERVICE_FIELDS + SERVICE_OPTIONAL})
        data = items
    for item in data:
        for field in SERVICE_FIELDS:
            check(item.get(field) not in (None, ""), f"a service needs {field}")
        metadata = item["metadata"]
        check(metadata in ("true", "false", True, False), "metadata is true or false")
        check(item["type"] in ("realtime", "batch", "blackbox"), "type is realtime/batch/blackbox")
    return data


def service_definition(response, fmt: str) -> dict:
    data = parse(response, fmt)
    if fmt == "xml":
        check(data.tag == "service_definition", "root must be <service_definition>")
        check(data.find("attributes") is not None, "<attributes> is required")
        return {
            "service_code": _text(data, "service_code"),
            "attributes": data.findall("attributes/attribute"),
        }
    check("service_code" in data and "attributes" in data, "service_code and attributes")
    return data


def service_requests(response, fmt: str) -> list[dict]:
    """Parse a list of requests and check every field the spec defines."""
    data = parse(response, fmt)
    if fmt == "xml":
        check(data.tag == "service_requests", "root must be <service_requests>")
        items = []
        for request in data.findall("request"):
            items.append({child.tag: child.text for child in request})
        data = items
    check(isinstance(data, list), "service_requests is an array")
    for item in data:
        for field in REQUEST_FIELDS:
            check(item.get(field) not in (None, ""), f"a request needs {field}")
        check(item["status"] in ("open", "closed"), f"status {item['status']!r}")
        for field in DATETIME_FIELDS:
            value = item.get(field)
            if value:
                check(bool(W3C_DATETIME.match(value)), f"{field} {value!r} is not W3C")
        for field in ("lat", "long"):
            if item.get(field) not in (None, ""):
                float(item[field])
        if item.get("description"):
            check(len(item["description"]) <= 4000, "description is at most 4,000 characters")
    return data


def created(response, fmt: str) -> list[dict]:
    """Parse a POST answer: service_request_id or token, never both."""
    data = parse(response, fmt)
    if fmt == "xml":
        check(data.tag == "service_requests", "root must be <service_requests>")
        data = [{child.tag: child.text for child in r} for r in data.findall("request")]
    check(len(data) == 1, "one request is created")
    item = data[0]
    check(
        bool(item.get("service_request_id")) != bool(item.get("token")),
        "exactly one of service_request_id and token",
    )
    return data
