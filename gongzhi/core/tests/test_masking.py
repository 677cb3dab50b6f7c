import pytest

from gongzhi.core.masking import mask_name, mask_phone


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("张小三", "张*三"), ("欧阳小明", "欧**明"), ("王", "王"), ("", "")],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"), [("13812341234", "138****1234"), ("", ""), ("12345", "*****")]
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked
