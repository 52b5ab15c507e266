"""The recommendation email: films coming soon, to a customer who agreed to hear about them.

Registered with the outbox for `MailKind.RECOMMENDATION` (MarketingConfig.ready); rendered
when the worker sends it, in the language it was queued in.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marquee.booking.models import Customer
from marquee.catalog.models import Movie
from marquee.marketing.links import unsubscribe_headers
from marquee.notifications.models import OutgoingMail
from marquee.notifications.rendering.email import NotSendable, Rendered


def render_recommendation_mail(mail: OutgoingMail) -> Rendered:
    # Read afresh, not from the row the worker claimed: an unsubscribe that lands after the
    # campaign queued this message (or after the claim) must still stop it.
    if (
        mail.customer_id is not None
        and not Customer.objects.filter(pk=mail.customer_id, marketing_consent=True).exists()
    ):
        raise NotSendable("not sent: the customer withdrew their marketing consent")
    ids = [int(i) for i in mail.context.get("movies", []) if str(i).isdigit()]
    by_id = {m.pk: m for m in Movie.objects.filter(pk__in=ids).prefetch_related("genres")}
    movies = [by_id[i] for i in ids if i in by_id]
    customer = mail.customer
    ctx: dict[str, Any] = {
        "movies": movies,
        "customer": customer,
        "first_name": customer.first_name if customer else "",
        "site_url": settings.SITE_URL,
        "unsubscribe_url": mail.context.get("unsubscribe_url", ""),
    }
    # RFC 8058 one-click unsubscribe: mail providers show an "Unsubscribe" button.
    headers = unsubscribe_headers(ctx["unsubscribe_url"]) if ctx["unsubscribe_url"] else {}
    cinema = settings.CINEMA_NAME
    if not movies:
        subject = _("Coming soon at %(cinema)s: new films") % {"cinema": cinema}
    elif len(movies) == 1:
        subject = _("Coming soon at %(cinema)s: %(movie)s") % {"cinema": cinema, "movie": movies[0].title}
    else:
        more = len(movies) - 1
        subject = ngettext(
            "Coming soon at %(cinema)s: %(movie)s and %(count)d more",
            "Coming soon at %(cinema)s: %(movie)s and %(count)d more",
            more,
        ) % {"cinema": cinema, "movie": movies[0].title, "count": more}
    return Rendered(subject=subject, context=ctx, template="marketing/email/recommendation", headers=headers)
