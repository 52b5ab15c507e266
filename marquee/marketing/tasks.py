"""Background work: a campaign enqueued from a page returns at once; the worker sends it."""

from django.tasks import task

from marquee.marketing.services import campaign_send_recommendations


@task()
def send_recommendations(limit_per_customer: int = 3) -> int:
    return campaign_send_recommendations(limit_per_customer=limit_per_customer)
