"""Survey respond endpoints (mounted by surveys/api.py)."""

from ninja import Router

from gongzhi.accounts.auth import api_auth

router = Router(auth=api_auth)
