"""Top-level routes: the public site, the JSON API, the back office and Django admin."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from marquee.payments import urls as payments_urls
from marquee.public import urls as public_urls

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(("marquee.api.urls", "api"))),
    path("staff/", include("marquee.backoffice.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("unsubscribe/", include("marquee.marketing.urls")),
    # The providers' notifications and the public page a payment comes back to, one namespace.
    path(
        "payments/",
        include((payments_urls.urlpatterns + public_urls.payment_urlpatterns, payments_urls.app_name)),
    ),
    path("", include("marquee.public.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
