"""The project's URLs plus a hello-world view, the baseline the benches compare against."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    """The cheapest Django page: the same middleware, no database, no template."""
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello, name="bench-hello"),
    path("", include("gongzhi.urls")),
]
