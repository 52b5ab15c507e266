"""WSGI entry point: `granian --interface wsgi marquee.wsgi:application` (or gunicorn).

The waiting room's polls are answered in front of Django when the cache can answer them
(marquee.public.quick_poll); every other request is Django's."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marquee.settings")
django_application = get_wsgi_application()

from marquee.public.quick_poll import with_quick_poll  # noqa: E402 (needs Django set up first)

application = with_quick_poll(django_application)
