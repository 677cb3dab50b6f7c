"""The project's URLs plus a hello-world view, the baseline the benches compare against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import include, path


def hello(request):
    """The cheapest Django page: the same middleware, no database, no template."""
    return HttpResponse("Hello, world", content_type="text/plain")


@login_required
def shell(request):
    """A logged-in page with nothing in it: the session, the user and the base layout.

    No logged-in page can be cheaper, so it shows how much of the target is reachable.
    """
    return render(request, "base.html", {})


urlpatterns = [
    path("bench/hello/", hello, name="bench-hello"),
    path("bench/shell/", shell, name="bench-shell"),
    path("", include("gongzhi.urls")),
]
