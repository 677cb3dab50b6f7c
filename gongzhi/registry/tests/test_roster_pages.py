"""Roster import pages: upload, dry-run preview, confirm, result; template download; permissions."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core.models import AuditEntry
from gongzhi.registry import forms_roster
from gongzhi.registry.models import Dwelling, Resident
from gongzhi.registry.roster import COLUMNS

from .roster_workbook import person, roster_file

EDITORS = ["community_admin", "community_worker"]
NOT_EDITORS = [
    "subdistrict_official",
    "grid_worker",
    "party_secretary",
    "owners_committee",
    "property_manager",
    "resident",
    "outsider",
    "far_admin",
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def import_url(world) -> str:
    return reverse("registry:roster-import", args=[world.community.pk])


def upload(*rows, name="roster.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, roster_file(*rows).getvalue())


def waiting_files(media_root) -> list:
    return list((media_root / "roster-uploads").glob("*.xlsx"))


def counts(world) -> tuple[int, int]:
    return (
        Resident.objects.filter(community=world.community).count(),
        Dwelling.objects.filter(community=world.community).count(),
    )


@pytest.fixture
def editor(client, world):
    client.force_login(world.users["community_admin"])
    return client


def test_the_upload_page_shows_the_form_and_the_template_link(editor, world):
    response = editor.get(import_url(world))

    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()
    assert (
        reverse("registry:roster-template", args=[world.community.pk]) in response.content.decode()
    )


def test_anonymous_users_are_sent_to_log_in(client, world):
    response = client.get(import_url(world))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_clean_upload_shows_the_preview_and_writes_nothing(editor, world, media_root):
    before = counts(world)

    response = editor.post(
        import_url(world),
        {"action": "upload", "file": upload(person(name="甲"), person(name="乙"))},
    )

    assert response.status_code == 200
    check = response.context["check"]
    assert (check.to_create, check.invalid_count) == (2, 0)
    assert b'value="import"' in response.content
    assert b'value="import_valid"' not in response.content
    assert counts(world) == before
    assert len(waiting_files(media_root)) == 1


def test_confirming_a_clean_upload_imports_it_and_cleans_up(editor, world, media_root):
    before = counts(world)
    editor.post(import_url(world), {"action": "upload", "file": upload(person(name="甲"))})

    response = editor.post(import_url(world), {"action": "import"})

    assert response.status_code == 200
    assert response.context["result"].created == 1
    assert counts(world) == (before[0] + 1, before[1] + 1)
    assert waiting_files(media_root) == []
    entry = AuditEntry.objects.get(action="roster.import")
    assert entry.actor == world.users["community_admin"]
    assert entry.data["created"] == 1


def test_a_preview_with_errors_offers_only_the_valid_rows(editor, world, media_root):
    before = counts(world)
    rows = (person(name="甲"), person(name="乙", phone="123"), person(name="丙", number="909"))

    response = editor.post(import_url(world), {"action": "upload", "file": upload(*rows)})

    assert response.status_code == 200
    assert [(e.line, e.code) for e in response.context["errors"]] == [(3, "bad_phone")]
    assert b'value="import_valid"' in response.content
    assert b'value="import"' not in response.content
    assert counts(world) == before


def test_import_is_refused_when_rows_have_errors(editor, world, media_root):
    before = counts(world)
    rows = (person(name="甲"), person(name="乙", building="99栋"))
    editor.post(import_url(world), {"action": "upload", "file": upload(*rows)})

    response = editor.post(import_url(world), {"action": "import"})

    assert response.status_code == 400
    assert counts(world) == before
    assert not AuditEntry.objects.filter(action="roster.import").exists()
    # The file still waits, so the user can import only the valid rows.
    assert len(waiting_files(media_root)) == 1


def test_importing_only_the_valid_rows(editor, world, media_root):
    before = counts(world)
    rows = (person(name="甲"), person(name="乙", birth_date="1990-02-30"))
    editor.post(import_url(world), {"action": "upload", "file": upload(*rows)})

    response = editor.post(import_url(world), {"action": "import_valid"})

    assert response.status_code == 200
    assert (response.context["result"].created, response.context["result"].skipped) == (1, 1)
    assert counts(world)[0] == before[0] + 1
    assert waiting_files(media_root) == []


def test_the_preview_lists_at_most_200_errors_with_the_total(editor, world):
    rows = [person(name=f"人{i}", phone="1") for i in range(250)]

    response = editor.post(import_url(world), {"action": "upload", "file": upload(*rows)})

    assert response.status_code == 200
    assert len(response.context["errors"]) == 200
    assert response.context["error_count"] == 250
    assert response.content.count(b'<th scope="row"') == 200


def test_cancel_discards_the_waiting_file(editor, world, media_root):
    editor.post(import_url(world), {"action": "upload", "file": upload(person())})

    response = editor.post(import_url(world), {"action": "cancel"})

    assert response.status_code == 302
    assert waiting_files(media_root) == []


def test_confirming_without_a_waiting_file_asks_for_an_upload(editor, world):
    before = counts(world)

    response = editor.post(import_url(world), {"action": "import"})

    assert response.status_code == 302
    assert response["Location"] == import_url(world)
    assert counts(world) == before


def test_the_waiting_file_can_be_checked_again(editor, world):
    editor.post(import_url(world), {"action": "upload", "file": upload(person(name="甲"))})

    page = editor.get(import_url(world))
    response = editor.post(import_url(world), {"action": "preview"})

    assert b'value="preview"' in page.content
    assert response.status_code == 200
    assert response.context["check"].to_create == 1


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("roster.csv", b"a,b\n"), "Upload an Excel .xlsx file"),
        (SimpleUploadedFile("roster.xlsx", b"just text"), "not an Excel .xlsx file"),
        (SimpleUploadedFile("roster.xlsx", b"PK\x03\x04broken"), "not an Excel .xlsx file"),
    ],
)
def test_a_wrong_or_broken_file_gets_a_clear_error(editor, world, media_root, file, message):
    before = counts(world)

    response = editor.post(
        import_url(world), {"action": "upload", "file": file}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts(world) == before
    assert not (media_root / "roster-uploads").exists() or waiting_files(media_root) == []


def test_a_sheet_without_headers_gets_a_clear_error(editor, world, media_root):
    file = SimpleUploadedFile("roster.xlsx", roster_file(headers=["甲", "乙"]).getvalue())

    response = editor.post(
        import_url(world), {"action": "upload", "file": file}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert "No header row found" in response.content.decode()
    assert waiting_files(media_root) == []


def test_a_file_over_the_size_limit_is_refused(editor, world, monkeypatch):
    monkeypatch.setattr(forms_roster, "MAX_UPLOAD_BYTES", 1000)

    response = editor.post(
        import_url(world),
        {"action": "upload", "file": upload(person())},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "the limit is" in response.content.decode()


@pytest.mark.parametrize("role", EDITORS)
def test_editors_download_the_template(client, world, role):
    client.force_login(world.users[role])

    response = client.get(reverse("registry:roster-template", args=[world.community.pk]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    header = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(header) == [column.header for column in COLUMNS]


@pytest.mark.parametrize("role", EDITORS)
def test_editors_open_the_import_page(client, world, role):
    client.force_login(world.users[role])

    assert client.get(import_url(world)).status_code == 200


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_others_get_404_and_nothing_is_written(client, world, role, media_root):
    client.force_login(world.users[role])
    before = counts(world)

    pages = [
        client.get(import_url(world)),
        client.get(reverse("registry:roster-template", args=[world.community.pk])),
        client.post(import_url(world), {"action": "upload", "file": upload(person(name="甲"))}),
        client.post(import_url(world), {"action": "import"}),
        client.post(import_url(world), {"action": "import_valid"}),
    ]

    assert [page.status_code for page in pages] == [404] * len(pages)
    assert counts(world) == before
    assert not (media_root / "roster-uploads").exists()
    assert not AuditEntry.objects.filter(action__startswith="roster.").exists()


def test_an_unknown_community_is_404(editor):
    response = editor.get(reverse("registry:roster-import", args=[999_999]))

    assert response.status_code == 404
