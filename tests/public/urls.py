"""The public site's routes as marquee/urls.py mounts them, without the other interfaces.

Used while other parts of the project are mid-change, so that these tests answer for
the public site alone."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("marquee.public.urls")),
]
