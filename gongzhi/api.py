"""The /api/v1/ API: assembles each app's ninja Router."""

from ninja import NinjaAPI

from gongzhi.accounts.api import router as accounts_router
from gongzhi.cases.api import router as cases_router
from gongzhi.core.api_errors import install_error_handlers
from gongzhi.matters.api import router as matters_router
from gongzhi.moderation.api import router as moderation_router
from gongzhi.needs.api import router as needs_router
from gongzhi.notifications.api import router as inbox_router
from gongzhi.registry.api import router as registry_router
from gongzhi.surveys.api import router as surveys_router

api = NinjaAPI(
    title="Gongzhi API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("/accounts", accounts_router)
api.add_router("/registry", registry_router)
api.add_router("/surveys", surveys_router)
api.add_router("/inbox", inbox_router)
api.add_router("/moderation", moderation_router)
api.add_router("/needs", needs_router)
api.add_router("/matters", matters_router)
api.add_router("/cases", cases_router)
