"""The three intake pages: resident report, grid worker patrol, worker entry of a call."""

from django.urls import reverse

from gongzhi.cases.models import Case, Status

from .factories import png, seeded


def test_a_resident_reports_with_a_photo_and_a_position(client, cw):
    client.force_login(cw.users["resident"])
    form = client.get(reverse("cases:report"))
    assert form.status_code == 200
    html = form.content.decode()
    assert "<optgroup" in html and "暴露垃圾" in html and 'id="use-location"' in html

    response = client.post(
        reverse("cases:report"),
        {
            "category": seeded("0102").pk,
            "text": "1栋门口垃圾没人清",
            "building": cw.world.building.pk,
            "latitude": "30.401234",
            "longitude": "112.891234",
            "photos": [png()],
        },
    )

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.channel == Case.Channel.WEB and case.reporter == cw.users["resident"]
    assert case.reporter_resident == cw.world.resident and case.grid == cw.world.grid
    assert str(case.latitude) == "30.401234"
    assert case.photos.count() == 1


def test_the_report_form_keeps_what_was_typed_on_error(client, cw):
    client.force_login(cw.users["resident"])

    response = client.post(
        reverse("cases:report"), {"category": seeded("0102").pk, "text": "门口有垃圾"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "门口有垃圾" in html and "Say where" in html
    assert not Case.objects.exists()


def test_a_bad_photo_comes_back_as_a_field_error(client, cw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cw.users["resident"])
    bad = SimpleUploadedFile("x.jpg", b"GIF89a nope", content_type="image/jpeg")

    response = client.post(
        reverse("cases:report"),
        {"category": seeded("0102").pk, "text": "垃圾", "address": "路口", "photos": [bad]},
    )

    assert response.status_code == 200
    assert "not a photo we can read" in response.content.decode()
    assert not Case.objects.exists()


def test_staff_without_a_resident_role_cannot_use_the_resident_form(client, cw):
    client.force_login(cw.users["community_admin"])

    assert client.get(reverse("cases:report")).status_code == 404


def test_a_grid_worker_files_a_patrol_report_for_a_resident(client, cw):
    client.force_login(cw.users["grid_worker"])
    form = client.get(reverse("cases:patrol"))
    assert form.status_code == 200
    html = form.content.decode()
    assert html.index('name="photos"') < html.index('name="category"')  # photo first

    response = client.post(
        reverse("cases:patrol"),
        {
            "photos": [png()],
            "category": seeded("0102").pk,
            "text": "垃圾桶外堆满垃圾",
            "building": cw.world.building.pk,
            "grid": cw.world.grid.pk,
            "resident_phone": "13812341234",
        },
    )

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == Case.Channel.PATROL and case.created_by == cw.users["grid_worker"]
    assert case.reporter == cw.users["resident"] and case.grid == cw.world.grid
    assert case.status == Status.RECEIVED


def test_a_patrol_report_with_an_unknown_phone_is_refused(client, cw):
    client.force_login(cw.users["grid_worker"])

    response = client.post(
        reverse("cases:patrol"),
        {
            "category": seeded("0102").pk,
            "text": "垃圾",
            "address": "路口",
            "grid": cw.world.grid.pk,
            "resident_phone": "13999999999",
        },
    )

    assert response.status_code == 200
    assert not Case.objects.exists()


def test_only_grid_workers_patrol(client, cw):
    client.force_login(cw.users["community_worker"])

    assert client.get(reverse("cases:patrol")).status_code == 404


def test_a_worker_enters_a_phone_call_and_links_the_resident(client, cw):
    client.force_login(cw.users["community_worker"])

    response = client.post(
        reverse("cases:intake"),
        {
            "channel": "phone",
            "reporter_name": "张三",
            "reporter_phone": "13812341234",
            "category": seeded("0104").pk,
            "text": "路面有油污",
            "address": "爱民路东口",
        },
    )

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == Case.Channel.PHONE
    assert case.reporter_resident == cw.world.resident and case.reporter == cw.users["resident"]


def test_a_walk_in_without_an_account(client, cw):
    client.force_login(cw.users["community_admin"])

    client.post(
        reverse("cases:intake"),
        {
            "channel": "walk_in",
            "reporter_name": "赵六",
            "reporter_phone": "13711112222",
            "category": seeded("0501").pk,
            "text": "门口摆摊",
            "compound": cw.world.compound.pk,
        },
    )

    case = Case.objects.get()
    assert case.reporter is None and case.reporter_phone == "13711112222"


def test_residents_cannot_enter_calls(client, cw):
    client.force_login(cw.users["resident"])

    assert client.get(reverse("cases:intake")).status_code == 404


def test_my_cases_lists_what_i_reported_and_follow(client, cw):
    from .factories import report

    mine = report(cw)
    other = report(cw, reporter=None, reporter_resident=None, actor=cw.users["community_admin"])
    client.force_login(cw.users["resident"])

    response = client.get(reverse("cases:mine"))

    assert response.status_code == 200
    assert [c.pk for c in response.context["page"].object_list] == [mine.pk]
    assert other.pk != mine.pk
