"""Registry read endpoints under /api/v1/registry/ (being written)."""

from ninja import Router

from gongzhi.accounts.auth import api_auth

router = Router(auth=api_auth, tags=["registry"])
