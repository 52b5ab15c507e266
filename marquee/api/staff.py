"""The staff API (api.md, "Staff"), under /api/v1/admin/, authorised by API keys."""

from ninja import Router

router = Router(tags=["staff"])
