"""Elder mode (长辈模式): one switch, remembered in a cookie, read on every request."""

ELDER_COOKIE = "elder_mode"


class ElderModeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.elder_mode = request.COOKIES.get(ELDER_COOKIE) == "1"
        return self.get_response(request)
