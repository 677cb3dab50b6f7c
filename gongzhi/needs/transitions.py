"""The need's state machine: which triage moves are allowed from which status."""

from django.utils.translation import gettext_lazy as _

from .models import Need

S = Need.Status

# Every triage move is one of these; anything else is refused. Merged and adopted are final:
# a merged need lives on in the one it was merged into, an adopted one in its matter.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.ACCEPTED, S.MERGED, S.DECLINED, S.ANSWERED, S.ADOPTED}),
    S.ACCEPTED: frozenset({S.MERGED, S.DECLINED, S.ANSWERED, S.ADOPTED}),
    # An answer that did not settle it, or a refusal reconsidered, is taken up again.
    S.ANSWERED: frozenset({S.ACCEPTED, S.ADOPTED}),
    S.DECLINED: frozenset({S.ACCEPTED}),
    S.MERGED: frozenset(),
    S.ADOPTED: frozenset(),
}

# Needs residents can still support and that similar-need suggestions point to.
OPEN_STATUSES = (S.SUBMITTED, S.ACCEPTED)

# The button each move has on the need page, in this order.
ACTIONS = (
    (S.ACCEPTED, _("Accept")),
    (S.ANSWERED, _("Answer directly")),
    (S.ADOPTED, _("Adopt as a matter")),
    (S.MERGED, _("Merge into a duplicate")),
    (S.DECLINED, _("Decline")),
)


def allowed_moves(status: str) -> frozenset[str]:
    """Return the statuses a need in `status` may move to."""
    return TRANSITIONS.get(status, frozenset())


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in allowed_moves(from_status)
