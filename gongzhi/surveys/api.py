"""/api/v1/surveys/: builder, responses and visit lists, results."""

from ninja import Router

from .builder_api import router as builder_router
from .respond_api import router as respond_router
from .results_api import router as results_router

router = Router(tags=["surveys"])
router.add_router("", builder_router)
router.add_router("", respond_router)
router.add_router("", results_router)
