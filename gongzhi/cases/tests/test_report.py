"""Receiving a case from any channel: checks, place, deadline, photos, message to the reporter."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.cases import services
from gongzhi.cases.models import Case, CaseEvent, CasePhoto, Status
from gongzhi.cases.services import CaseError
from gongzhi.core.models import AuditEntry
from gongzhi.core.testing import factories as f
from gongzhi.notifications.models import Message

from .factories import png, report, seeded


def test_a_web_report_is_received_with_deadline_grid_and_timeline(
    cw, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(cw, photos=[png()])

    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert case.grid == cw.world.grid  # from the building
    assert case.compound == cw.world.compound
    assert case.due_at > case.created_at and case.warn_at <= case.due_at
    assert case.escalate_at > case.due_at
    assert case.title == "暴露垃圾 · 机械小区 1栋"
    assert case.reporter_name == "张三" and case.reporter_phone == "13812341234"
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.to_status) == ("receive", "received")
    assert CasePhoto.objects.get(case=case).event == event
    assert AuditEntry.objects.filter(action="case.report", target_id=str(case.pk)).exists()
    assert Message.objects.filter(
        recipient=cw.users["resident"], link=f"/cases/{case.pk}/"
    ).exists()


def test_photos_are_re_encoded_without_exif(cw):
    case = report(cw, photos=[png(), png("b.png")])

    photos = list(CasePhoto.objects.filter(case=case))
    assert len(photos) == 2
    assert all(p.image.name.endswith(".jpg") for p in photos)
    with photos[0].image.open("rb") as fh:
        assert fh.read(3) == b"\xff\xd8\xff"


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_written(cw):
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")

    with pytest.raises(CaseError) as refused:
        report(cw, photos=[bad])

    assert refused.value.field == "photos"
    assert not Case.objects.exists() and not CasePhoto.objects.exists()


def test_more_than_six_photos_are_refused(cw):
    with pytest.raises(CaseError) as refused:
        report(cw, photos=[png(f"{i}.png") for i in range(7)])

    assert refused.value.field == "photos"
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"text": "  "}, "text"),
        ({"building": None, "address": ""}, "address"),
        ({"building": None, "address": "x", "latitude": 30}, "latitude"),
    ],
)
def test_incomplete_reports_are_refused(cw, extra, field):
    with pytest.raises(CaseError) as refused:
        report(cw, **extra)

    assert refused.value.field == field
    assert not Case.objects.exists()


def test_a_major_class_or_a_building_elsewhere_is_refused(cw):
    major = seeded("01")  # the major class 01 市容环境
    with pytest.raises(CaseError) as refused:
        report(cw, category=major)
    assert refused.value.field == "category"

    with pytest.raises(CaseError) as refused:
        report(cw, building=cw.world.far_building)
    assert refused.value.field == "building"
    assert not Case.objects.exists()


def test_a_phone_call_keeps_the_callers_contact_without_an_account(cw):
    case = services.report_case(
        community=cw.community,
        category=seeded("0501"),
        text="门口有人摆摊",
        channel=Case.Channel.PHONE,
        actor=cw.users["community_worker"],
        address="爱民路口",
        reporter_name="刘德华",
        reporter_phone="13700001111",
    )

    assert case.reporter is None and case.created_by == cw.users["community_worker"]
    assert (case.reporter_name, case.reporter_phone) == ("刘德华", "13700001111")


def test_a_free_address_with_a_position_is_enough(cw):
    case = report(cw, building=None, address="兴隆河东岸", latitude=30.4, longitude=112.9)

    case.refresh_from_db()
    assert case.compound is None and case.grid is None
    assert (float(case.latitude), float(case.longitude)) == (30.4, 112.9)


def test_a_resident_of_another_community_cannot_be_the_reporter(cw):
    far = f.ResidentFactory(household__dwelling__building=cw.world.far_building)

    with pytest.raises(CaseError):
        report(cw, reporter=None, reporter_resident=far)
