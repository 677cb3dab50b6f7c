"""Registry writes: each atomic, audited, and marking the community's figures out of date."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import record
from gongzhi.core.masking import mask_name

from .models import Building, Community, CorrectionRequest, Dwelling, Household, Resident
from .overview import touch_community

# Fields whose changes the audit log keeps (old and new values are personal data, so the log
# keeps only which fields changed).
RESIDENT_FIELDS = [
    "name",
    "gender",
    "birth_date",
    "phone",
    "lives_alone",
    "has_disability",
    "low_income",
    "is_party_member",
]


class RegistryError(Exception):
    """A write that the registry's rules refuse; the message is shown to the user."""


def _after_commit_touch(community_id: int) -> None:
    transaction.on_commit(lambda: touch_community(community_id))


def add_resident(*, community: Community, actor, household: Household | None, **fields) -> Resident:
    """Register a new resident in the community."""
    with transaction.atomic():
        resident = Resident(community=community, household=household, **fields)
        resident.full_clean()
        resident.save()
        record(actor=actor, action="resident.create", target=resident)
        _after_commit_touch(community.pk)
    return resident


def update_resident(*, resident: Resident, actor, changes: dict) -> list[str]:
    """Apply changes to a resident's record; return the names of the fields that changed."""
    changed = [f for f in RESIDENT_FIELDS if f in changes and getattr(resident, f) != changes[f]]
    if not changed:
        return []
    with transaction.atomic():
        for field in changed:
            setattr(resident, field, changes[field])
        resident.full_clean()
        resident.save()
        record(actor=actor, action="resident.update", target=resident, data={"fields": changed})
        _after_commit_touch(resident.community_id)
    return changed


def unmask_resident(*, resident: Resident, actor) -> dict:
    """Return the resident's full name and phone, recording who looked (DOMAIN.md §5)."""
    record(
        actor=actor, action="resident.unmask", target=resident, data={"fields": ["name", "phone"]}
    )
    return {"name": resident.name, "phone": resident.phone}


def move_out(*, resident: Resident, actor, on: date, reason: str = "") -> Resident:
    """Record that a resident has moved out of the community."""
    if resident.status == Resident.Status.MOVED_OUT:
        raise RegistryError(_("This resident has already moved out."))
    if resident.moved_in_on and on < resident.moved_in_on:
        raise RegistryError(_("The move-out date is before the move-in date."))
    with transaction.atomic():
        old_household_id = resident.household_id
        resident.status = Resident.Status.MOVED_OUT
        resident.moved_out_on = on
        resident.household = None
        resident.save()
        record(
            actor=actor,
            action="resident.move_out",
            target=resident,
            data={"on": on.isoformat(), "household": old_household_id, "reason": reason},
        )
        _after_commit_touch(resident.community_id)
    return resident


def household_for_dwelling(*, dwelling: Dwelling) -> Household:
    """Return the dwelling's active household, creating one when it has none."""
    household = dwelling.households.filter(is_active=True).order_by("id").first()
    if household is None:
        household = Household.objects.create(community_id=dwelling.community_id, dwelling=dwelling)
    return household


def move_in(*, resident: Resident, actor, building: Building, number: str, on: date) -> Resident:
    """Move a resident into a dwelling of the community (creating the dwelling if new)."""
    if building.community_id != resident.community_id:
        raise RegistryError(_("The building is not in this resident's community."))
    number = number.strip()
    if not number:
        raise RegistryError(_("Enter the dwelling number."))
    with transaction.atomic():
        dwelling, _created = Dwelling.objects.get_or_create(
            building=building, number=number, defaults={"community_id": building.community_id}
        )
        household = household_for_dwelling(dwelling=dwelling)
        old_household_id = resident.household_id
        resident.household = household
        resident.status = Resident.Status.ACTIVE
        resident.moved_in_on = on
        resident.moved_out_on = None
        resident.save()
        record(
            actor=actor,
            action="resident.move_in",
            target=resident,
            data={
                "on": on.isoformat(),
                "household": household.pk,
                "from_household": old_household_id,
            },
        )
        _after_commit_touch(resident.community_id)
    return resident


def request_correction(*, resident: Resident, actor, text: str) -> CorrectionRequest:
    """A resident asks for their own record to be corrected."""
    with transaction.atomic():
        correction = CorrectionRequest.objects.create(
            community_id=resident.community_id, resident=resident, text=text.strip()
        )
        record(actor=actor, action="correction.request", target=correction)
    return correction


def handle_correction(
    *, correction: CorrectionRequest, actor, status: str, reply: str
) -> CorrectionRequest:
    """Close a correction request as corrected or refused; a refusal must give a reason."""
    if correction.status != CorrectionRequest.Status.OPEN:
        raise RegistryError(_("This request has already been handled."))
    if status not in (CorrectionRequest.Status.DONE, CorrectionRequest.Status.REFUSED):
        raise RegistryError(_("Choose corrected or refused."))
    if status == CorrectionRequest.Status.REFUSED and not reply.strip():
        raise RegistryError(_("A refusal must give a reason."))
    with transaction.atomic():
        correction.status = status
        correction.reply = reply.strip()
        correction.handled_by = actor
        correction.handled_at = timezone.now()
        correction.save()
        record(actor=actor, action=f"correction.{status}", target=correction)
    return correction


def export_own_data(*, resident: Resident, actor) -> dict:
    """Return everything the registry holds about the resident, for them to download."""
    household = resident.household
    dwelling = household.dwelling if household else None
    data: dict[str, Any] = {
        "name": resident.name,
        "gender": resident.gender,
        "birth_date": resident.birth_date.isoformat() if resident.birth_date else None,
        "phone": resident.phone,
        "elderly_living_alone": resident.lives_alone,
        "disability": resident.has_disability,
        "low_income": resident.low_income,
        "party_member": resident.is_party_member,
        "status": resident.status,
        "moved_in_on": resident.moved_in_on.isoformat() if resident.moved_in_on else None,
        "moved_out_on": resident.moved_out_on.isoformat() if resident.moved_out_on else None,
        "community": resident.community.name,
        "home": None,
        "household_members": [],
        "ownerships": [
            {"dwelling": str(o.dwelling), "share": str(o.share)}
            for o in resident.ownerships.select_related("dwelling")
        ],
        "correction_requests": [
            {
                "text": c.text,
                "status": c.status,
                "reply": c.reply,
                "created_at": c.created_at.isoformat(),
            }
            for c in resident.correction_requests.order_by("created_at")
        ],
    }
    if dwelling is not None:
        building = dwelling.building
        data["home"] = {
            "compound": building.compound.name,
            "building": building.name,
            "dwelling": dwelling.number,
            "floor_area_m2": str(dwelling.floor_area) if dwelling.floor_area is not None else None,
        }
    if household is not None:
        # Other members are shown masked: this is the resident's data, not theirs.
        data["household_members"] = [
            mask_name(m.name) for m in household.residents.exclude(pk=resident.pk).order_by("id")
        ]
    record(actor=actor, action="resident.export_own", target=resident)
    return data
