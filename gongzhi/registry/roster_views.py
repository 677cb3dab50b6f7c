"""Excel roster import and export pages (being written)."""

from django.http import Http404


def roster_import(request, community_id: int):
    raise Http404


def roster_template(request, community_id: int):
    raise Http404


def roster_export(request, community_id: int):
    raise Http404
