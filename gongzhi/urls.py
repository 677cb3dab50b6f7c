from django.contrib import admin
from django.urls import include, path

from gongzhi.api import api
from gongzhi.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("elder-mode/", core_views.toggle_elder_mode, name="elder-mode"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("registry/", include("gongzhi.registry.urls")),
    path("audit/", include("gongzhi.core.urls")),
    path("surveys/", include("gongzhi.surveys.urls")),
    path("inbox/", include("gongzhi.notifications.urls")),
    path("needs/", include("gongzhi.needs.urls")),
    path("matters/", include("gongzhi.matters.urls")),
    path("moderation/", include("gongzhi.moderation.urls")),
    path("cases/", include("gongzhi.cases.urls")),
    path("open311/v2/", include("gongzhi.cases.open311_urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
