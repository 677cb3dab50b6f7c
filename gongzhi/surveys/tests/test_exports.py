"""Excel and CSV exports: streamed, one row per response, managers only, audited."""

import csv
import io
import random
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.core.models import AuditEntry
from gongzhi.core.testing.factories import HouseholdFactory
from gongzhi.surveys import exports
from gongzhi.surveys.models import AgeGroup, Channel, Question, Response, Survey
from gongzhi.surveys.tests.factories import make_survey
from gongzhi.surveys.tests.test_results import KINDS, respond, results_survey

K = Question.Kind
MANAGERS = ["community_admin", "community_worker"]
OTHERS = [
    "party_secretary",
    "subdistrict_official",
    "grid_worker",
    "owners_committee",
    "property_manager",
    "resident",
    "outsider",
    "far_admin",
]


def _download(client, user, survey, name):
    client.force_login(user)
    response = client.get(reverse(f"surveys:{name}", args=[survey.pk]), HTTP_ACCEPT_LANGUAGE="en")
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def _sheet(body: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(body))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())  # Excel needs the BOM to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def named(world):
    survey = make_survey(world.community, kinds=KINDS, status=Survey.Status.OPEN)
    single, multiple, yes_no, rating, number, text = survey.questions.order_by("position")
    a, b, _c = single.options.order_by("position")
    ma, mb, mc = multiple.options.order_by("position")
    respond(
        survey,
        {
            single: a,
            multiple: [mc, ma],
            yes_no: True,
            rating: 4,
            number: "12.50",
            text: '=HYPERLINK("http://x")\x07',
        },
        channel=Channel.VISIT,
        place=world.building,
        age=AgeGroup.ELDERLY,
        household=world.resident.household,
        entered_by=world.users["grid_worker"],
    )
    respond(
        survey,
        {single: b, yes_no: False},
        channel=Channel.ONLINE,
        place=world.other_building,
        age=AgeGroup.UNDER_60,
        household=world.neighbour.household,
    )
    return survey


def test_excel_export_has_one_row_per_response_and_one_column_per_question(client, world, named):
    response, body = _download(client, world.users["community_admin"], named, "export-xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    rows = _sheet(body)
    header, first, second = rows
    questions = list(named.questions.order_by("position"))
    assert header[-6:] == [f"{n}. {q.text}" for n, q in enumerate(questions, start=1)]
    assert "Household" in header and "Building" in header and "Entered by" in header
    cells = dict(zip(header, first, strict=True))
    assert cells["No."] == 1
    submitted = Response.objects.filter(survey=named).order_by("submitted_at").first()
    local = timezone.localtime(submitted.submitted_at).replace(tzinfo=None, microsecond=0)
    assert cells["Submitted"] == local
    assert cells["Channel"] == "Door-to-door visit"
    assert cells["Age group"] == "60 or over"
    assert cells["Building"] == world.building.name
    dwelling = world.resident.household.dwelling
    assert cells["Household"] == f"{world.compound.name} {world.building.name} {dwelling.number}"
    assert cells["Entered by"] == world.users["grid_worker"].name
    answers = first[-6:]
    assert answers[0] == "选项1"
    assert answers[1] == "选项1、选项3"  # in the options' order, joined with 、
    assert answers[2] == "Yes"
    assert answers[3] == 4
    assert answers[4] == 12.5
    # Typed text stays text (never a formula); control characters are dropped.
    assert answers[5] == '=HYPERLINK("http://x")'
    assert second[-6:] == ["选项2", None, "No", None, None, None]


def test_excel_export_cells_hold_text_not_formulas(client, world, named):
    _response, body = _download(client, world.users["community_admin"], named, "export-xlsx")

    workbook = load_workbook(io.BytesIO(body))
    last = workbook.active.cell(row=2, column=workbook.active.max_column)
    assert last.data_type == "s"


def test_csv_export_parses_with_the_same_rows(client, world, named):
    response, body = _download(client, world.users["community_admin"], named, "export-csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, first, second = _csv(body)
    assert header[0] == "No."
    assert first[-6:-1] == ["选项1", "选项1、选项3", "Yes", "4", "12.5"]
    # A leading = is neutralised so a spreadsheet shows it instead of running it.
    assert first[-1] == '\'=HYPERLINK("http://x")'
    assert second[-6:] == ["选项2", "", "No", "", "", ""]


def test_anonymous_export_has_no_household_or_person_columns(client, world):
    survey = results_survey(world, anonymous=True)

    _r, xlsx = _download(client, world.users["community_admin"], survey, "export-xlsx")
    _r, text = _download(client, world.users["community_admin"], survey, "export-csv")

    rows = _sheet(xlsx)
    header = rows[0]
    for column in ("Household", "Resident", "Entered by", "Building"):
        assert column not in header
    assert header[:5] == ["No.", "Submitted", "Channel", "Compound", "Age group"]
    assert len(rows) == 5
    assert all(isinstance(row[1], date) for row in rows[1:])  # the day only
    assert _csv(text)[0] == header


def test_resident_survey_export_names_the_resident(client, world):
    survey = make_survey(world.community, kinds=[K.SINGLE], unit=Survey.Unit.RESIDENT)
    question = survey.questions.get()
    respond(survey, {question: question.options.first()}, resident=world.resident)

    _r, body = _download(client, world.users["community_admin"], survey, "export-csv")

    header, row = _csv(body)
    assert dict(zip(header, row, strict=True))["Resident"] == world.resident.name


@pytest.mark.parametrize("anonymous", [False, True])
def test_export_reads_responses_in_chunks(client, world, monkeypatch, anonymous):
    monkeypatch.setattr(exports, "CHUNK", 3)
    survey = make_survey(world.community, kinds=[K.SINGLE, K.LONG_TEXT], anonymous=anonymous)
    single, text = survey.questions.order_by("position")
    other = make_survey(world.community, kinds=[K.LONG_TEXT], anonymous=anonymous)
    for i in range(10):
        respond(survey, {single: single.options.first(), text: f"意见{i}"})
        respond(other, {other.questions.get(): f"别的问卷{i}"})
    # Responses that came in at the same moment straddle the chunks.
    Response.objects.filter(survey=survey).update(submitted_at=timezone.now())

    _r, body = _download(client, world.users["community_admin"], survey, "export-csv")

    rows = _csv(body)
    assert len(rows) == 11
    assert sorted(row[-1] for row in rows[1:]) == sorted(f"意见{i}" for i in range(10))
    assert all(row[-2] == "选项1" for row in rows[1:])
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, 11)]


def test_excel_export_sends_bytes_before_reading_responses_and_then_as_it_goes(world, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 4)
    monkeypatch.setattr(exports, "ROWS_PER_WRITE", 2)
    survey = make_survey(world.community, kinds=[K.LONG_TEXT])
    text = survey.questions.get()
    rng = random.Random(4)
    written = ["".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(2000)) for _ in range(40)]
    for value in written:
        respond(survey, {text: value})

    chunks = exports.xlsx_chunks(survey)
    with CaptureQueriesContext(connection) as before_first:
        first = next(chunks)
    rest = list(chunks)

    assert first.startswith(b"PK")
    assert not any("surveys_response" in q["sql"] for q in before_first.captured_queries)
    assert len(rest) > 5  # rows leave as they are compressed, not all at the end
    rows = _sheet(first + b"".join(rest))
    assert sorted(row[-1] for row in rows[1:]) == sorted(written)


def _export(survey) -> tuple[list[list], list[list[str]]]:
    """Both exports of a survey, read back: (Excel rows, CSV rows)."""
    xlsx = b"".join(exports.xlsx_chunks(survey))
    text = b"".join(exports.csv_chunks(survey))
    return _sheet(xlsx), _csv(text)


def test_numbers_stay_numbers_as_typed_zero_and_negatives_included(world):
    survey = make_survey(world.community, kinds=[K.NUMBER, K.RATING])
    number, rating = survey.questions.order_by("position")
    for typed in ("12.00", "0", "-3.50", "1234567890.05"):
        respond(survey, {number: typed, rating: 3})

    sheet, rows = _export(survey)

    assert [row[-2] for row in sheet[1:]] == [12, 0, -3.5, 1234567890.05]
    assert all(isinstance(row[-2], int | float) for row in sheet[1:])
    assert [row[-1] for row in sheet[1:]] == [3, 3, 3, 3]
    # A number is never taken for a formula: no quote before the minus sign.
    assert [row[-2] for row in rows[1:]] == ["12", "0", "-3.5", "1234567890.05"]


def test_typed_text_keeps_its_spaces_and_markup_and_formulas_stay_text(world):
    survey = make_survey(world.community, kinds=[K.SINGLE, K.SHORT_TEXT])
    single, text = survey.questions.order_by("position")
    Question.objects.filter(pk=text.pk).update(text="=1+1")
    option = single.options.order_by("position").first()
    option.label = "-无-"
    option.save()
    respond(survey, {single: option, text: "  <b>甲 & 乙</b>\x0b  "})
    respond(survey, {single: option, text: "@SUM(A1)"})

    sheet, rows = _export(survey)

    assert sheet[0][-1] == "2. =1+1"
    assert sheet[1][-2:] == ["-无-", "  <b>甲 & 乙</b>  "]
    assert sheet[2][-2:] == ["-无-", "@SUM(A1)"]
    assert rows[0][-1] == "2. =1+1"  # headers start with the question's number
    assert rows[1][-2:] == ["'-无-", "  <b>甲 & 乙</b>  "]
    assert rows[2][-2:] == ["'-无-", "'@SUM(A1)"]


def test_multiple_choices_follow_the_options_order_beyond_what_is_remembered(world, monkeypatch):
    monkeypatch.setattr(exports, "MEMO", 1)
    survey = make_survey(world.community, kinds=[K.MULTIPLE, K.YES_NO])
    multiple, yes_no = survey.questions.order_by("position")
    a, b, c = multiple.options.order_by("position")
    picks = [[c, a], [b], [c, b, a], [a, c], []]
    for n, chosen in enumerate(picks):
        respond(survey, {multiple: chosen, yes_no: n % 2 == 0})

    sheet, rows = _export(survey)

    expected = ["选项1、选项3", "选项2", "选项1、选项2、选项3", "选项1、选项3", None]
    assert [row[-2] for row in sheet[1:]] == expected
    assert [row[-1] for row in sheet[1:]] == ["Yes", "No", "Yes", "No", "Yes"]
    assert [row[-2] for row in rows[1:]] == [value or "" for value in expected]


def test_household_without_a_dwelling_is_named_by_its_label_or_number(world):
    survey = make_survey(world.community, kinds=[K.YES_NO])
    question = survey.questions.get()
    labelled = HouseholdFactory(dwelling=None, community=world.community, label="河边王家")
    unlabelled = HouseholdFactory(dwelling=None, community=world.community, label="")
    respond(survey, {question: True}, household=labelled)
    respond(survey, {question: False}, household=unlabelled)
    respond(survey, {question: False})

    sheet, rows = _export(survey)

    household = sheet[0].index("Household")
    assert [row[household] for row in sheet[1:]] == ["河边王家", f"#{unlabelled.pk}", None]
    assert [row[household] for row in rows[1:]] == ["河边王家", f"#{unlabelled.pk}", ""]


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_survey_without_responses_exports_its_header(world, anonymous):
    survey = make_survey(world.community, kinds=KINDS, anonymous=anonymous)

    sheet, rows = _export(survey)

    assert len(sheet) == len(rows) == 1
    assert sheet[0] == rows[0]
    assert sheet[0][-1] == f"6. {survey.questions.order_by('position').last().text}"


@pytest.mark.parametrize("anonymous", [False, True])
@pytest.mark.parametrize("responses, chunks", [(2, 1), (10, 4)])
def test_export_reads_the_answers_of_a_chunk_with_one_query(
    world, monkeypatch, django_assert_num_queries, anonymous, responses, chunks
):
    monkeypatch.setattr(exports, "CHUNK", 3)
    survey = make_survey(world.community, kinds=KINDS, anonymous=anonymous)
    single, multiple, yes_no, rating, number, text = survey.questions.order_by("position")
    a, b, _c = multiple.options.order_by("position")
    for i in range(responses):
        values = {single: a, multiple: [a, b], yes_no: True, rating: 5, number: i, text: "好"}
        respond(survey, values, place=world.building)

    # Questions, their options, the responses, then one query of answers per chunk.
    with django_assert_num_queries(3 + chunks):
        text = b"".join(exports.csv_chunks(survey))

    rows = _csv(text)
    assert len(rows) == responses + 1
    assert sorted(int(row[-2]) for row in rows[1:]) == list(range(responses))


@pytest.mark.parametrize("name", ["export-xlsx", "export-csv"])
def test_export_is_audited(client, world, named, name):
    _download(client, world.users["community_worker"], named, name)

    entry = AuditEntry.objects.get(action="survey.export")
    assert entry.actor == world.users["community_worker"]
    assert entry.target_id == str(named.pk)
    assert entry.data == {"format": name.split("-")[1], "anonymous": False, "responses": 2}


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_may_export(client, world, named, role):
    response, _body = _download(client, world.users[role], named, "export-xlsx")

    assert response.status_code == 200


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("name", ["export-xlsx", "export-csv"])
def test_others_may_not_export(client, world, named, role, name):
    response, _body = _download(client, world.users[role], named, name)

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="survey.export").exists()


def test_resident_may_not_export_published_results(client, world, named):
    Survey.objects.filter(pk=named.pk).update(results_published_at="2026-04-20T10:00:00+08:00")

    response, _body = _download(client, world.users["resident"], named, "export-csv")

    assert response.status_code == 404
