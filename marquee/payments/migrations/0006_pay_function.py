"""The demo pay and the customer's cancel of a hold, each one statement on PostgreSQL.

`marquee_booking_pay` and `marquee_booking_cancel` do in the database what
marquee.payments.services (`_pay_at_once`, `_cancel_hold_at_once`) do on SQLite through the
ORM: the booking locked and its token checked, the state checked, then the writes. Called as
one autocommit statement, a function runs in one implicit transaction, so the payment, the
booking, its seats and the outbox rows commit together or not at all, in one round trip.

Each answers (changed, the booking's row). No row: no such booking, or not its token.
`changed` false: the booking is not in the case the function handles (already paid, lapsed,
a gift voucher's money on it, an open payment of the provider to reuse, …), nothing was
written, and the caller takes the long way, which knows every case.

The statuses are the literals of marquee.booking.models; the transitions those of
marquee.booking.lifecycle (pending → paid; pending → cancelled by the customer). Both
databases run the same tests, so a literal that drifts fails them on PostgreSQL.
"""

from django.db import migrations

PAY = """
CREATE OR REPLACE FUNCTION marquee_booking_pay(
    p_reference text, p_token_hash text, p_provider text, p_provider_id text, p_idempotency_key text,
    p_currency text, p_at timestamptz, p_message_ids text[]
) RETURNS TABLE (changed boolean, booking booking_booking)
LANGUAGE plpgsql AS $$
DECLARE
    b booking_booking;
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
        RETURN QUERY SELECT false, b;
        RETURN;
    END IF;
    INSERT INTO payments_payment (
        created_at, updated_at, booking_id, voucher_id, provider, provider_id, amount, currency, status,
        purpose, amount_refunded, idempotency_key, problem, message, taken_by_id, succeeded_at, failed_at,
        last_checked_at
    ) VALUES (
        p_at, p_at, b.id, NULL, p_provider, p_provider_id, b.total_price, p_currency, 'succeeded',
        'booking', 0, p_idempotency_key, '', '', NULL, p_at, NULL, p_at
    );
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
    RETURN QUERY SELECT true, b;
END
$$;
"""

CANCEL = """
CREATE OR REPLACE FUNCTION marquee_booking_cancel(p_reference text, p_token_hash text, p_at timestamptz)
RETURNS TABLE (changed boolean, booking booking_booking)
LANGUAGE plpgsql AS $$
DECLARE
    b booking_booking;
BEGIN
    SELECT * INTO b FROM booking_booking WHERE reference = p_reference FOR UPDATE;
    IF NOT FOUND OR b.token_hash <> p_token_hash THEN
        RETURN;
    END IF;
    -- A gift voucher's money on the hold goes back on the long way (payments.voucher_money).
    IF b.status <> 'pending' OR b.expires_at <= p_at OR EXISTS (
        SELECT 1 FROM payments_payment p WHERE p.booking_id = b.id AND p.provider = 'voucher'
    ) THEN
        RETURN QUERY SELECT false, b;
        RETURN;
    END IF;
    UPDATE booking_booking
       SET status = 'cancelled', cancelled_at = p_at, cancel_reason = 'customer', updated_at = p_at
     WHERE id = b.id
    RETURNING * INTO b;
    UPDATE booking_bookingseat SET status = 'cancelled', updated_at = p_at WHERE booking_id = b.id;
    RETURN QUERY SELECT true, b;
END
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS marquee_booking_pay(text, text, text, text, text, text, timestamptz, text[]);
DROP FUNCTION IF EXISTS marquee_booking_cancel(text, text, timestamptz);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PAY, params=None)
        schema_editor.execute(CANCEL, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0005_payment_for_a_voucher"),
        ("booking", "0010_booking_promo_code_and_seat_discount"),
        ("notifications", "0009_voucher_mail_kinds"),
    ]

    operations = [migrations.RunPython(create, drop)]
