"""Marquee's Django admin site: the stock one, with list pages that survive any query string.

Django's change lists trust their filter values further than the database and the calendar
do: `?booked_at__year=99999999999` overflows a datetime inside Django, a year of 9999 has
no next year, a NUL byte in a filter is refused by PostgreSQL. Each would be a 500. The
site (one place, every model's list, Django's own auth lists included) answers them the
way Django answers a filter it does not understand: back to the list with `?e=1`.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import DataError
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect

log = logging.getLogger(__name__)

# What an impossible filter value raises while a change list is built (never a bug of ours
# to hide: only list pages with a query string are answered this way, and each is logged).
FILTER_ERRORS = (OverflowError, ValueError, DataError)

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class MarqueeAdminSite(admin.AdminSite):
    def admin_view(self, view: View, cacheable: bool = False) -> View:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                return inner(request, *args, **kwargs)
            except FILTER_ERRORS:
                match = request.resolver_match
                is_list = match is not None and str(match.url_name or "").endswith("_changelist")
                if not is_list or request.method not in ("GET", "HEAD") or not request.GET or ERROR_FLAG in request.GET:
                    raise
                log.warning("admin list %s: impossible filter %s", request.path, request.GET.urlencode()[:200])
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")

        return cast(View, guarded)


class MarqueeAdminConfig(AdminConfig):
    default_site = "marquee.core.admin_site.MarqueeAdminSite"
