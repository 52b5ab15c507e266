"""The page a locked-out staff login sees (django-axes' AXES_LOCKOUT_CALLABLE).

The admin's own login page (where /staff/ sends everyone) with a plain sentence on top,
answered 429, so that whoever typed the wrong password five times knows what happened
and what to do.
"""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return ngettext(
        "Too many failed logins for this username or from this address: logging in is locked "
        "for %(minutes)s minute. An admin can unlock it sooner.",
        "Too many failed logins for this username or from this address: logging in is locked "
        "for %(minutes)s minutes. An admin can unlock it sooner.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": _("Log in"),
        "app_path": request.get_full_path(),
        "form": AuthenticationForm(request),
        "locked_message": lockout_message(),
        REDIRECT_FIELD_NAME: request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, "")),
    }
    return render(request, "admin/login_locked.html", context, status=429)
