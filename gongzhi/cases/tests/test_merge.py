"""Merging duplicates: the duplicate's reporter follows the main case; the merged case links it."""

import pytest

from gongzhi.cases import services
from gongzhi.cases.models import Case, Status
from gongzhi.cases.services import CaseError
from gongzhi.core.testing import factories as f
from gongzhi.notifications.models import Message

from .factories import case_in, report


def test_the_duplicates_reporter_follows_the_main_case(cw, django_capture_on_commit_callbacks):
    neighbour_user = f.UserFactory(name="李四")
    main = report(cw, text="1栋旁垃圾")
    duplicate = report(
        cw, text="1栋垃圾没人管", reporter=neighbour_user, reporter_resident=cw.world.neighbour
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.merge_case(case=duplicate, into=main, actor=cw.users["community_admin"])

    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == main
    assert list(main.followers.all()) == [neighbour_user]
    assert main.events.filter(action="note", data__merged=duplicate.pk).exists()
    assert Message.objects.filter(recipient=neighbour_user, link=f"/cases/{main.pk}/").exists()
    assert main in Case.objects.reported_by(neighbour_user)


def test_the_main_cases_own_reporter_is_not_added_as_follower(cw):
    main, duplicate = report(cw), report(cw, text="again")

    services.merge_case(case=duplicate, into=main, actor=cw.users["community_admin"])

    assert not main.followers.exists()


@pytest.mark.parametrize("target", ["self", "merged", "other_community"])
def test_a_bad_main_case_is_refused(cw, target):
    case = report(cw)
    if target == "self":
        into = case
    elif target == "merged":
        into = case_in(cw, Status.MERGED)
    else:
        into = Case.objects.get(pk=case_in(cw, Status.RECEIVED).pk)
        Case.objects.filter(pk=into.pk).update(community=cw.world.other_community)
        into.refresh_from_db()

    with pytest.raises(CaseError):
        services.merge_case(case=case, into=into, actor=cw.users["community_admin"])

    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.merged_into is None
