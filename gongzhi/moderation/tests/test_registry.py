"""The registry of moderatable models."""

import pytest

from gongzhi.accounts.models import User
from gongzhi.moderation import registry

from .content import SamplePost


def test_a_model_without_the_moderation_fields_is_refused():
    with pytest.raises(TypeError, match="moderation_status"):
        registry.register(User, text_fields=("name",), url_for=str)


def test_a_registered_model_is_found_by_label_and_object(moderated_posts):
    assert registry.entry_by_label("moderation.samplepost") is moderated_posts
    assert registry.entry_by_label("MODERATION.SamplePost") is moderated_posts
    assert registry.entry_for(SamplePost) is moderated_posts
    assert registry.entry_by_label("auth.user") is None


def test_an_unregistered_model_raises():
    with pytest.raises(registry.NotModerated):
        registry.entry_for(User)


def test_the_text_joins_the_text_fields(moderated_posts):
    post = SamplePost(title="标题", text="正文")
    assert moderated_posts.text_of(post) == "标题\n正文"
