"""The Content-Security-Policy of every page, built in one place.

Scripts run only from our own static files or with the response's nonce (`{{ csp_nonce }}`);
no `unsafe-inline` for scripts. Style attributes stay allowed (templates position seats and
timeline blocks with them); style elements need our origin or the nonce. The origins of
the configured payment providers' URLs (Stripe.js, LiqPay's checkout) are added where a
provider needs them, read from the settings with defaults so that the policy follows
whatever providers are configured.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.utils.csp import CSP

# A payment provider's setting holding a URL, and the directives that URL's origin needs.
PAYMENT_SOURCES: dict[str, tuple[str, ...]] = {
    "STRIPE_JS_URL": ("script-src", "frame-src", "connect-src"),
    "STRIPE_API_BASE": ("connect-src",),
    "LIQPAY_CHECKOUT_URL": ("form-action", "frame-src"),
}
PAYMENT_DEFAULTS = {
    "STRIPE_JS_URL": "https://js.stripe.com/v3/",
    "LIQPAY_CHECKOUT_URL": "https://www.liqpay.ua/api/3/checkout",
}
# Which provider each setting belongs to: its origins are allowed only when it is enabled.
PAYMENT_PROVIDER_OF = {"STRIPE_JS_URL": "stripe", "STRIPE_API_BASE": "stripe", "LIQPAY_CHECKOUT_URL": "liqpay"}
# Stripe.js opens its card frames from this origin as well as from js.stripe.com.
STRIPE_FRAMES = "https://hooks.stripe.com"


def origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def payment_origins(settings: Mapping[str, Any]) -> dict[str, list[str]]:
    """Extra sources by directive for the enabled payment providers."""
    enabled = set(settings.get("PAYMENT_PROVIDERS") or ())
    extra: dict[str, list[str]] = {}
    for name, directives in PAYMENT_SOURCES.items():
        if PAYMENT_PROVIDER_OF[name] not in enabled:
            continue
        found = origin(str(settings.get(name) or PAYMENT_DEFAULTS.get(name, "")))
        if found is None:
            continue
        for directive in directives:
            extra.setdefault(directive, [])
            if found not in extra[directive]:
                extra[directive].append(found)
    if "stripe" in enabled:
        extra.setdefault("frame-src", []).append(STRIPE_FRAMES)
    return extra


def content_security_policy(settings: Mapping[str, Any]) -> dict[str, list[str]]:
    """SECURE_CSP for the site, from the settings read so far (settings.py passes its names)."""
    policy: dict[str, list[str]] = {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF, CSP.NONCE],
        "style-src-elem": [CSP.SELF, CSP.NONCE],
        "style-src-attr": [CSP.UNSAFE_INLINE],
        "img-src": [CSP.SELF, "data:", "blob:"],
        "font-src": [CSP.SELF],
        "connect-src": [CSP.SELF],
        "media-src": [CSP.SELF, "blob:"],  # the door scanner's camera stream
        "frame-src": [CSP.NONE],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.SELF],
        "form-action": [CSP.SELF],
        "frame-ancestors": [CSP.NONE],
    }
    for directive, sources in payment_origins(settings).items():
        current = [s for s in policy.get(directive, [CSP.SELF]) if s != CSP.NONE]
        policy[directive] = current + [s for s in sources if s not in current]
    return policy
