"""Sending recommendation email through the mail queue, in batches."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from marquee.booking.models import Customer
from marquee.core.clock import now as clock_now
from marquee.core.locks import lock_named
from marquee.marketing.links import unsubscribe_url
from marquee.marketing.models import Campaign, Recommendation
from marquee.marketing.recommendations import (
    Candidate,
    recommendable_count,
    recommendations_for_customers,
    upcoming_candidates,
)
from marquee.notifications.models import MailKind
from marquee.notifications.services import mail_queue

BATCH_SIZE = 200


def _send_batch(
    *, campaign: Campaign, customer_ids: Sequence[int], candidates: Sequence[Candidate], limit: int, at: dt.datetime
) -> int:
    """One transaction: the mail rows and the record of what was recommended commit together."""
    with transaction.atomic():
        # Campaigns run one batch at a time, so "recommended before" is read under the lock.
        lock_named("marketing.recommendations")
        # Locked so that a withdrawal in flight either lands first (and is seen) or waits.
        customers = list(
            Customer.objects.select_for_update()
            .filter(pk__in=customer_ids, marketing_consent=True, erased_at__isnull=True)
            .order_by("pk")
        )
        picked = recommendations_for_customers(
            customer_ids=[c.pk for c in customers], limit=limit, at=at, candidates=candidates
        )
        records: list[Recommendation] = []
        for customer in customers:
            movie_ids = picked.get(customer.pk)
            if not movie_ids:
                continue
            mail_queue(
                kind=MailKind.RECOMMENDATION,
                to_email=customer.email,
                customer_id=customer.pk,
                context={
                    "movies": movie_ids,
                    "unsubscribe_url": unsubscribe_url(customer.pk),
                    "campaign_id": campaign.pk,
                },
                language="",  # the site's default: consent was given without a language of its own
            )
            records.extend(
                Recommendation(customer=customer, movie_id=m, campaign=campaign, sent_at=at) for m in movie_ids
            )
        Recommendation.objects.bulk_create(records)
        return len({r.customer_id for r in records})


def campaign_send_recommendations(
    *, limit_per_customer: int = 3, batch_size: int = BATCH_SIZE, started_by: Any | None = None
) -> int:
    """Queue one recommendation email per consenting customer with something to recommend.

    Customers are taken in batches of `batch_size`, each batch in its own transaction
    (short: on SQLite a long write transaction blocks every booking). Returns the number
    of email queued.
    """
    limit = max(1, min(limit_per_customer, 10))
    at = clock_now()
    with transaction.atomic():
        campaign = Campaign.objects.create(
            started_by=started_by if getattr(started_by, "pk", None) else None,
            started_at=at,
            limit_per_customer=limit,
        )
    candidates = upcoming_candidates(at=at)
    queued = 0
    last_id = 0
    while candidates:
        ids = list(
            Customer.objects.filter(marketing_consent=True, erased_at__isnull=True, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        last_id = ids[-1]
        queued += _send_batch(campaign=campaign, customer_ids=ids, candidates=candidates, limit=limit, at=at)
    Campaign.objects.filter(pk=campaign.pk).update(finished_at=clock_now(), queued=queued, updated_at=clock_now())
    return queued


def campaign_audience_size() -> int:
    """How many customers a campaign sent now would email (the campaign page, and the
    choice between sending at once and handing to the worker). One aggregate query,
    however many customers there are."""
    return recommendable_count(at=clock_now())


SYNC_LIMIT = 1000  # a campaign to more customers than this is sent by the worker


@dataclass(frozen=True)
class CampaignStart:
    queued: int  # email queued now, or (deferred) the customers the worker will email
    deferred: bool


def campaign_start(
    *, limit_per_customer: int = 3, started_by: Any | None = None, sync_limit: int | None = None
) -> CampaignStart:
    """Send a campaign now if it is small; otherwise hand it to the worker (a django.tasks
    task, enqueued in this transaction) so that the request answers at once. The staff
    API and the campaign page both start campaigns here. `sync_limit` defaults to
    SYNC_LIMIT as it is when called (so that tests can lower it)."""
    limit = SYNC_LIMIT if sync_limit is None else sync_limit
    size = campaign_audience_size()
    if size <= limit:
        queued = campaign_send_recommendations(limit_per_customer=limit_per_customer, started_by=started_by)
        return CampaignStart(queued=queued, deferred=False)
    from marquee.marketing.tasks import send_recommendations  # the task module imports this one

    # A task's arguments are stored as JSON: the user goes by id, looked up by the worker.
    started_by_id = getattr(started_by, "pk", None)
    with transaction.atomic():
        send_recommendations.enqueue(limit_per_customer=limit_per_customer, started_by_id=started_by_id)
    return CampaignStart(queued=size, deferred=True)
