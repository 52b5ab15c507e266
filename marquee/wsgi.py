"""WSGI entry point: `granian --interface wsgi marquee.wsgi:application` (or gunicorn).

The waiting room's polls are answered in front of Django when the cache can answer them
(marquee.public.quick_poll); every other request is Django's. The collector's full passes
are kept off what lives as long as the worker (marquee.core.long_lived)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marquee.settings")
django_application = get_wsgi_application()

from marquee.core.long_lived import freezing_after_warm_up  # noqa: E402 (needs Django set up first)
from marquee.public.quick_poll import with_quick_poll  # noqa: E402

# Every process freezes what lives as long as it does: no full collection walks it in a request.
application = freezing_after_warm_up(with_quick_poll(django_application))
