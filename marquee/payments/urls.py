"""The payments addresses (included at `payments/`): providers' notifications, and where a
customer's browser comes back from a provider's page."""

from django.urls import URLPattern, URLResolver, path

from marquee.payments import views
from marquee.public.views import payment_return

app_name = "payments"
urlpatterns: list[URLPattern | URLResolver] = [
    path("stripe/webhook", views.stripe_webhook, name="stripe_webhook"),
    path("liqpay/callback", views.liqpay_callback, name="liqpay_callback"),
    path("return/<str:reference>/", payment_return, name="return"),
]
