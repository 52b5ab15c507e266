"""Background work: a campaign enqueued from a page returns at once; the worker sends it."""

from django.contrib.auth import get_user_model
from django.tasks import task

from marquee.marketing.services import campaign_send_recommendations


@task()
def send_recommendations(limit_per_customer: int = 3, started_by_id: int | None = None) -> int:
    # The campaign's record names who started it, as when it is sent at once; a user
    # deleted since is no reason to drop the campaign.
    started_by = get_user_model().objects.filter(pk=started_by_id).first() if started_by_id else None
    return campaign_send_recommendations(limit_per_customer=limit_per_customer, started_by=started_by)
