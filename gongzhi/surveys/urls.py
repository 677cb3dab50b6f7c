from django.urls import include, path

app_name = "surveys"
urlpatterns = [
    path("", include("gongzhi.surveys.builder_urls")),
    path("", include("gongzhi.surveys.respond_urls")),
    path("", include("gongzhi.surveys.results_urls")),
]
