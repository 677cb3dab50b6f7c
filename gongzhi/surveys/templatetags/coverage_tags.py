"""The coverage tables' rows, built in one pass.

A community of 10,000 households has hundreds of buildings: rendering each of their eleven
cells through the template engine took most of the coverage page's time, so the rows are
joined here: names are escaped as a template would, and the rest are numbers we format.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from gongzhi.registry.templatetags.registry_tags import percent

from ..coverage import Tally

register = template.Library()

ROW = (
    '<tr data-key="{}"><th scope="row">{}{}</th><td class="num">{}</td>'
    '<td class="num">{} <small>{}</small></td><td class="num">{} <small>{}</small></td>'
    '<td class="num">{} <small>{}</small></td><td class="num">{} <small>{}</small></td>'
    '<td class="num">{}</td></tr>'
)


def _row(tally: Tally, no_building: str) -> str:
    parent = f'<span class="secondary">{escape(tally.parent)} </span>' if tally.parent else ""
    return ROW.format(
        "" if tally.key is None else int(tally.key),
        parent,
        escape(tally.name or no_building),
        int(tally.total),
        int(tally.reached),
        percent(tally.reached_share),
        int(tally.answered),
        percent(tally.answered_share),
        int(tally.not_home),
        percent(tally.not_home_share),
        int(tally.declined),
        percent(tally.declined_share),
        int(tally.to_visit),
    )


@register.simple_tag
def tally_rows(rows: list[Tally]) -> SafeString:
    """The <tr> of each tally: name, households, reached, answered, not at home, declined
    (each with its share) and still to visit."""
    no_building = _("No building")
    # Safe: _row escapes every name; the rest are numbers and percentages it formats.
    return mark_safe("\n".join(_row(t, no_building) for t in rows))  # noqa: S308
