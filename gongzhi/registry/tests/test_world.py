from gongzhi.registry.models import Resident


def test_world_builds_residents_with_search_keys(world):
    world.resident.refresh_from_db()
    assert world.resident.name_initials == "zs"
    assert world.resident.name_pinyin == "zhangsan"
    assert world.resident.phone_tail == "1234"
    assert Resident.objects.filter(community=world.community).count() == 2
