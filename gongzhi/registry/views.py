"""Registry staff pages and residents' own-data pages."""

from django.http import Http404


def community_overview(request, **kwargs):
    raise Http404


def resident_search(request, **kwargs):
    raise Http404


def resident_add(request, **kwargs):
    raise Http404


def correction_list(request, **kwargs):
    raise Http404


def correction_handle(request, **kwargs):
    raise Http404


def compound_detail(request, **kwargs):
    raise Http404


def building_detail(request, **kwargs):
    raise Http404


def resident_detail(request, **kwargs):
    raise Http404


def resident_edit(request, **kwargs):
    raise Http404


def resident_unmask(request, **kwargs):
    raise Http404


def resident_move_out(request, **kwargs):
    raise Http404


def resident_move_in(request, **kwargs):
    raise Http404


def my_data(request, **kwargs):
    raise Http404


def my_data_export(request, **kwargs):
    raise Http404


def my_correction(request, **kwargs):
    raise Http404

