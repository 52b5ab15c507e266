"""Reading for the recommendation campaign: who may receive it, a customer to preview it for,
and the campaigns sent so far."""

from django.db.models import Q, QuerySet

from marquee.booking.models import Customer
from marquee.marketing.models import Campaign
from marquee.marketing.recommendations import recommendations_for_customers

# Where to look for a default sample: the first consenting customers by id.
SAMPLE_POOL = 200


def campaign_sample(*, email: str = "", customer_id: int | None = None) -> Customer | None:
    """The customer asked for (by email, any case, or id); when nothing is asked, the first
    consenting customer who would get something (of the first SAMPLE_POOL by id)."""
    if email:
        match = Q(email__iexact=email) | (Q(pk=customer_id) if customer_id is not None else Q(pk__in=[]))
        return Customer.objects.filter(match).first()
    pool = list(
        Customer.objects.filter(marketing_consent=True).order_by("pk").values_list("pk", flat=True)[:SAMPLE_POOL]
    )
    found = recommendations_for_customers(customer_ids=pool)
    first = next((pk for pk in pool if pk in found), None)
    return Customer.objects.filter(pk=first).first() if first else None


def customers_consenting_count() -> int:
    return Customer.objects.filter(marketing_consent=True).count()


def campaigns_recent(*, limit: int = 10) -> QuerySet[Campaign]:
    """The latest campaigns, newest first, with who started them."""
    return Campaign.objects.select_related("started_by").order_by("-started_at")[:limit]
