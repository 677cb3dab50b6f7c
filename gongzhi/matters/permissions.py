"""Who may see matters: whoever sees the community's 共谋 board."""

from gongzhi.needs.permissions import can_view_board


def can_view_matters(user, community) -> bool:
    """List the community's matters."""
    return can_view_board(user, community)


def can_view_matter(user, matter) -> bool:
    """Open a matter's page and its timeline."""
    return can_view_board(user, matter.community)
