"""The demo pay answers the payment it wrote, and whether it is the booking's only one.

The API's answer to `POST …/pay` lists the booking's payments and refunds. For a hold paid at
once that had no payment before (the common case), they are exactly the one payment the
function wrote and no refund (refunds hang off payments): with its id and `only_payment`,
marquee.payments.services builds that answer without reading them back, two queries fewer.
The function's result changes, so it is dropped and created again; the rest is as in 0006.
"""

import importlib

from django.db import migrations

_before = importlib.import_module("marquee.payments.migrations.0006_pay_function")

SIGNATURE = "text, text, text, text, text, text, timestamptz, text[]"

PAY = """
CREATE FUNCTION marquee_booking_pay(
    p_reference text, p_token_hash text, p_provider text, p_provider_id text, p_idempotency_key text,
    p_currency text, p_at timestamptz, p_message_ids text[]
) RETURNS TABLE (changed boolean, new_payment_id bigint, only_payment boolean, booking booking_booking)
LANGUAGE plpgsql AS $$
DECLARE
    b booking_booking;
    v_payment bigint;
    buyer text;
    ticket text;
BEGIN
    SELECT * INTO b FROM booking_booking WHERE reference = p_reference FOR UPDATE;
    -- Digests of a 192-bit random token: timing tells nothing worth knowing.
    IF NOT FOUND OR b.token_hash <> p_token_hash THEN
        RETURN;
    END IF;
    IF b.status <> 'pending' OR b.expires_at <= p_at OR b.total_price <= 0 OR EXISTS (
        SELECT 1 FROM payments_payment p
        WHERE p.booking_id = b.id
          AND (p.provider = 'voucher'
               OR (p.provider = p_provider AND p.status IN ('created', 'pending'))
               OR (p.status = 'succeeded' AND p.purpose = 'booking'))
    ) THEN
        RETURN QUERY SELECT false, NULL::bigint, false, b;
        RETURN;
    END IF;
    INSERT INTO payments_payment (
        created_at, updated_at, booking_id, voucher_id, provider, provider_id, amount, currency, status,
        purpose, amount_refunded, idempotency_key, problem, message, taken_by_id, succeeded_at, failed_at,
        last_checked_at
    ) VALUES (
        p_at, p_at, b.id, NULL, p_provider, p_provider_id, b.total_price, p_currency, 'succeeded',
        'booking', 0, p_idempotency_key, '', '', NULL, p_at, NULL, p_at
    )
    RETURNING id INTO v_payment;
    UPDATE booking_booking
       SET status = 'paid', paid_at = p_at, payment_method = p_provider, payment_reference = p_provider_id,
           updated_at = p_at
     WHERE id = b.id
    RETURNING * INTO b;
    UPDATE booking_bookingseat SET status = 'paid', updated_at = p_at WHERE booking_id = b.id AND status = 'pending';
    -- The tickets to the recipient (or the buyer), a receipt to a buyer who is not the recipient
    -- (marquee.booking.services._queue_ticket_mail); an erased address is logged, never sent
    -- (marquee.notifications.services.mail_queue).
    SELECT coalesce(max(c.email), '') INTO buyer FROM booking_customer c WHERE c.id = b.customer_id;
    ticket := CASE WHEN b.recipient_email <> '' THEN b.recipient_email ELSE buyer END;
    INSERT INTO notifications_outgoingmail (
        created_at, updated_at, kind, to_email, status, last_error, booking_id, customer_id, context, language,
        message_id, next_attempt_at, attempts, claim_token, subject
    )
    SELECT p_at, p_at, m.kind, m.to_email,
           CASE WHEN lower(rtrim(m.to_email)) LIKE '%.invalid' THEN 'failed' ELSE 'queued' END,
           CASE WHEN lower(rtrim(m.to_email)) LIKE '%.invalid' THEN 'not sent: the address was erased' ELSE '' END,
           b.id, NULL, '{}'::jsonb, b.language, m.message_id, p_at, 0, '', ''
      FROM (VALUES ('tickets', ticket, p_message_ids[1]), ('receipt', buyer, p_message_ids[2])) AS m (kind, to_email, message_id)
     WHERE ticket <> ''
       AND (m.kind = 'tickets' OR (buyer <> '' AND lower(ticket) <> lower(buyer)));
    RETURN QUERY SELECT true, v_payment, NOT EXISTS (
        SELECT 1 FROM payments_payment p WHERE p.booking_id = b.id AND p.id <> v_payment
    ), b;
END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION marquee_booking_pay({SIGNATURE})", params=None)
        schema_editor.execute(PAY, params=None)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION marquee_booking_pay({SIGNATURE})", params=None)
        schema_editor.execute(_before.PAY, params=None)


class Migration(migrations.Migration):
    dependencies = [("payments", "0006_pay_function")]

    operations = [migrations.RunPython(create, restore)]
