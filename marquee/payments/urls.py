"""The payments addresses (included at `payments/`, namespace "payments"): providers'
notifications. Where a customer's browser comes back from a provider's page
(`payments:return`) is a page of the public site: marquee.public.urls holds its route
(`payment_urlpatterns`) and marquee/urls.py puts it in this namespace, so that payments
never imports the site above it."""

from django.urls import URLPattern, URLResolver, path

from marquee.payments import views

app_name = "payments"
urlpatterns: list[URLPattern | URLResolver] = [
    path("stripe/webhook", views.stripe_webhook, name="stripe_webhook"),
    path("liqpay/callback", views.liqpay_callback, name="liqpay_callback"),
]
