"""The hold's database function answers, when asked, the occupancy of the rows it touches.

The single-seat rule (marquee.booking.seat_rules) needs to know, inside the hold's own
transaction, which seats of the asked seats' rows are taken once the hold has inserted its
own: the function now reads them after its insert when `p_row_occupancy` is true (a new last
argument, false by default, so a call without it works as before) and answers them in four
new columns. Its result changes, so it is dropped and created again. Python decides; a
refusal rolls the transaction back. The rest of the function is as in booking 0011.
"""

import importlib

from django.db import migrations

_before = importlib.import_module("marquee.booking.migrations.0011_hold_function")
PostgreSQLOnly = _before.PostgreSQLOnly

HOLD = """CREATE FUNCTION marquee_booking_hold(
    p_showtime_id bigint,
    p_seat_ids bigint[],            -- sorted, distinct
    p_at timestamptz,
    p_sales_lock bigint,
    p_client_lock bigint,           -- NULL: no per-address limit, no address lock
    -- what the prices were computed from, checked here ("stale" when it differs)
    p_fingerprint text,
    p_hall_id bigint,
    p_starts_at timestamptz,
    p_surcharge numeric,
    p_age_rating integer,
    p_versions timestamptz[],       -- updated_at of the showtime, its movie, hall and format
    p_base_prices numeric[],        -- per seat of p_seat_ids; NULL for a seat the copy lacks
    p_rows integer[],
    p_numbers integer[],
    p_seat_types text[],
    -- the customer, refreshed by email
    p_email text,
    p_first_name text,
    p_last_name text,
    p_phone text,
    p_consent boolean,
    -- the limits
    p_per_email integer,
    p_per_client integer,           -- 0: not counted
    p_client_ip inet,
    p_types_ok boolean,             -- false: Python refused a ticket type; answer "types" last
    -- the booking and its seats, priced by Python
    p_references text[],            -- candidates, tried in order (a collision draws the next)
    p_token_hash text,
    p_total numeric,
    p_expires_at timestamptz,
    p_recipient_name text,
    p_recipient_email text,
    p_gift_message text,
    p_language text,
    p_prices numeric[],
    p_tariff_id bigint,
    p_tariff_name text,
    p_type_ids bigint[],
    p_type_codes text[],
    p_type_names text[],
    p_row_occupancy boolean DEFAULT false  -- true: answer the occupancy of the asked seats' rows
) RETURNS TABLE (
    status text,
    seat_ids bigint[],
    held integer,
    booking_id bigint,
    reference text,
    booking_seat_ids bigint[],
    customer_id bigint,
    customer_created_at timestamptz,
    customer_email text,
    customer_phone text,
    customer_consent boolean,
    customer_consent_at timestamptz,
    customer_withdrawn_at timestamptz,
    customer_erased_at timestamptz,
    -- with p_row_occupancy, after the insert: every seat of the rows the hold touches (id, row,
    -- column) and those of them held, sold or kept back, this hold's own seats among them
    row_seat_ids bigint[],
    row_numbers integer[],
    row_columns integer[],
    row_taken bigint[]
)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_show record;
    v_found bigint[];
    v_lapsed bigint[];
    v_taken bigint[];
    v_customer booking_customer%ROWTYPE;
    v_mine integer;
    v_theirs integer;
    v_booking bigint;
    v_reference text;
    v_rows bigint[];
    v_n integer := cardinality(p_seat_ids);
    v_row_seats bigint[];
    v_row_numbers integer[];
    v_row_columns integer[];
    v_row_taken bigint[];
BEGIN
    -- The fixed order of every hold's locks: the showtime's sales (shared: a cancel takes it
    -- exclusive), the client address, the seats by id, the lapsed bookings by id, the customer.
    IF p_client_lock IS NULL THEN
        PERFORM pg_advisory_xact_lock_shared(p_sales_lock);
    ELSE
        PERFORM pg_advisory_xact_lock_shared(p_sales_lock), pg_advisory_xact_lock(p_client_lock);
    END IF;

    SELECT s.status, s.starts_at, s.hall_id, coalesce(f.surcharge, 0) AS surcharge, m.age_rating,
           ARRAY[s.updated_at, m.updated_at, h.updated_at, f.updated_at] AS versions
      INTO v_show
      FROM scheduling_showtime s
      JOIN catalog_movie m ON m.id = s.movie_id
      JOIN venues_hall h ON h.id = s.hall_id
      LEFT JOIN scheduling_format f ON f.id = s.format_id
     WHERE s.id = p_showtime_id;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'no_showtime', NULL::bigint[], NULL::integer, NULL::bigint, NULL::text, NULL::bigint[],
            NULL::bigint, NULL::timestamptz, NULL::text, NULL::text, NULL::boolean, NULL::timestamptz,
            NULL::timestamptz, NULL::timestamptz,
            NULL::bigint[], NULL::integer[], NULL::integer[], NULL::bigint[];
        RETURN;
    END IF;
    IF v_show.status = 'cancelled' THEN
        RETURN QUERY SELECT 'cancelled', NULL::bigint[], NULL::integer, NULL::bigint, NULL::text, NULL::bigint[],
            NULL::bigint, NULL::timestamptz, NULL::text, NULL::text, NULL::boolean, NULL::timestamptz,
            NULL::timestamptz, NULL::timestamptz,
            NULL::bigint[], NULL::integer[], NULL::integer[], NULL::bigint[];
        RETURN;
    END IF;
    IF v_show.starts_at <= p_at THEN
        RETURN QUERY SELECT 'started', NULL::bigint[], NULL::integer, NULL::bigint, NULL::text, NULL::bigint[],
            NULL::bigint, NULL::timestamptz, NULL::text, NULL::text, NULL::boolean, NULL::timestamptz,
            NULL::timestamptz, NULL::timestamptz,
            NULL::bigint[], NULL::integer[], NULL::integer[], NULL::bigint[];
        RETURN;
    END IF;
    IF v_show.hall_id IS DISTINCT FROM p_hall_id OR v_show.starts_at IS DISTINCT FROM p_starts_at
       OR v_show.surcharge IS DISTINCT FROM p_surcharge OR v_show.age_rating IS DISTINCT FROM p_age_rating
       OR v_show.versions IS DISTINCT FROM p_versions
       OR marquee_hold_pricing_fingerprint() IS DISTINCT FROM p_fingerprint THEN
        RETURN QUERY SELECT 'stale', NULL::bigint[], NULL::integer, NULL::bigint, NULL::text, NULL::bigint[],
            NULL::bigint, NULL::timestamptz, NULL::text, NULL::text, NULL::boolean, NULL::timestamptz,
            NULL::timestamptz, NULL::timestamptz,
            NULL::bigint[], NULL::integer[], NULL::integer[], NULL::bigint[];
        RETURN;
    END IF;

    -- The asked seats of the hall, row-locked in id order: overlapping holds queue on their
    -- first common seat, and the second one then sees every seat the first one took.
    SELECT array_agg(id ORDER BY id) INTO v_found FROM (
        SELECT st.id FROM venues_seat st
         WHERE st.id = ANY(p_seat_ids) AND st.hall_id = v_show.hall_id
         ORDER BY st.id FOR NO KEY UPDATE
    ) locked;
    IF coalesce(cardinality(v_found), 0) <> v_n THEN
        RETURN QUERY SELECT 'not_in_hall',
            ARRAY(SELECT w FROM unnest(p_seat_ids) w WHERE w <> ALL(coalesce(v_found, '{}')) ORDER BY w),
            NULL::integer, NULL::bigint, NULL::text, NULL::bigint[],
            NULL::bigint, NULL::timestamptz, NULL::text, NULL::text, NULL::boolean, NULL::timestamptz,
            NULL::timestamptz, NULL::timestamptz,
            NULL::bigint[], NULL::integer[], NULL::integer[], NULL::bigint[];
        RETURN;
    END IF;
    IF EXISTS (
        SELECT 1 FROM venues_seat st
          JOIN unnest(p_seat_ids, p_base_prices, p_rows, p_numbers, p_seat_types) AS e(id, price, r, n, kind)
            ON e.id = st.id
         WHERE st.base_price IS DISTINCT FROM e.price OR st.row_number IS DISTINCT FROM e.r
            OR st.seat_number IS DISTINCT FROM e.n OR st.seat_type IS DISTINCT FROM e.kind
    ) THEN
        RETURN QUERY SELECT 'stale', NULL::bigint[], NULL::integer, NULL::bigint, NULL::text, NULL::bigint[],
            NULL::bigint, NULL::timestamptz, NULL::text, NULL::text, NULL::boolean, NULL::timestamptz,
            NULL::timestamptz, NULL::timestamptz,
            NULL::bigint[], NULL::integer[], NULL::integer[], NULL::bigint[];
        RETURN;
    END IF;

    -- An expired hold never blocks a seat, even before the sweeper has run: the lapsed
    -- bookings on these seats are locked in id order and those still pending are expired.
    SELECT array_agg(b.id ORDER BY b.id) INTO v_lapsed FROM (
        SELECT b.id FROM booking_booking b
         WHERE b.id IN (
                SELECT bs.booking_id FROM booking_bookingseat bs
                 WHERE bs.showtime_id = p_showtime_id AND bs.seat_id = ANY(p_seat_ids) AND bs.status = 'pending')
           AND b.status = 'pending' AND b.expires_at <= p_at
         ORDER BY b.id FOR UPDATE
    ) b;
    IF v_lapsed IS NOT NULL THEN
        UPDATE booking_booking b
           SET status = 'cancelled', cancelled_at = p_at, cancel_reason = 'expired', updated_at = p_at
         WHERE b.id = ANY(v_lapsed) AND b.status = 'pending';
        UPDATE booking_bookingseat bs SET status = 'cancelled', updated_at = p_at
         WHERE bs.booking_id = ANY(v_lapsed) AND bs.status = 'pending';
    END IF;

    -- Held (unexpired), sold or kept back by staff: every such seat is named.
    SELECT array_agg(DISTINCT t.seat_id ORDER BY t.seat_id) INTO v_taken FROM (
        SELECT bs.seat_id FROM booking_bookingseat bs JOIN booking_booking b ON b.id = bs.booking_id
         WHERE bs.showtime_id = p_showtime_id AND bs.seat_id = ANY(p_seat_ids) AND bs.status IN ('pending', 'paid')
           AND (bs.status = 'paid' OR b.expires_at > p_at)
        UNION
        SELECT k.seat_id FROM booking_seatblock k WHERE k.showtime_id = p_showtime_id AND k.seat_id = ANY(p_seat_ids)
    ) t;
    IF v_taken IS NOT NULL THEN
        RETURN QUERY SELECT 'taken', v_taken, NULL::integer, NULL::bigint, NULL::text, NULL::bigint[],
            NULL::bigint, NULL::timestamptz, NULL::text, NULL::text, NULL::boolean, NULL::timestamptz,
            NULL::timestamptz, NULL::timestamptz,
            NULL::bigint[], NULL::integer[], NULL::integer[], NULL::bigint[];
        RETURN;
    END IF;

    -- The customer with this email, whatever its case, row-locked (two holds of one email
    -- queue here) and refreshed; consent is recorded when given, never withdrawn here.
    FOR attempt IN 1..3 LOOP
        SELECT * INTO v_customer FROM booking_customer c WHERE lower(c.email) = lower(p_email) FOR UPDATE;
        IF FOUND THEN
            UPDATE booking_customer c
               SET first_name = p_first_name, last_name = p_last_name,
                   phone = CASE WHEN p_phone <> '' THEN p_phone ELSE c.phone END,
                   marketing_consent = c.marketing_consent OR p_consent,
                   marketing_consent_at = CASE WHEN p_consent AND NOT c.marketing_consent
                                               THEN p_at ELSE c.marketing_consent_at END,
                   marketing_withdrawn_at = CASE WHEN p_consent AND NOT c.marketing_consent
                                                 THEN NULL ELSE c.marketing_withdrawn_at END,
                   updated_at = p_at
             WHERE c.id = v_customer.id
            RETURNING * INTO v_customer;
            EXIT;
        END IF;
        INSERT INTO booking_customer AS c (created_at, updated_at, first_name, last_name, email, phone,
                                           marketing_consent, marketing_consent_at, marketing_withdrawn_at)
        VALUES (p_at, p_at, p_first_name, p_last_name, p_email, p_phone, p_consent,
                CASE WHEN p_consent THEN p_at END, NULL)
        ON CONFLICT ((lower(email::text))) DO NOTHING
        RETURNING * INTO v_customer;
        EXIT WHEN v_customer.id IS NOT NULL;  -- else made by a concurrent hold a moment ago: read it
    END LOOP;
    IF v_customer.id IS NULL THEN
        RAISE EXCEPTION 'could not create or read the customer';
    END IF;

    -- What one customer (for this showtime) and one address (for any) hold unpaid.
    -- Two counts, each on its own index (the customer's bookings; the address's pending ones).
    -- One query with an OR of both made PL/pgSQL's cached generic plan scan every pending
    -- seat of every showtime, which grew with the rush it was counting.
    SELECT count(*) INTO v_mine
      FROM booking_booking b JOIN booking_bookingseat bs ON bs.booking_id = b.id
     WHERE b.customer_id = v_customer.id AND b.showtime_id = p_showtime_id
       AND b.status = 'pending' AND b.expires_at > p_at AND bs.status = 'pending';
    v_theirs := 0;
    IF p_per_client > 0 THEN
        SELECT count(*) INTO v_theirs
          FROM booking_booking b JOIN booking_bookingseat bs ON bs.booking_id = b.id
         WHERE b.client_ip = p_client_ip AND b.status = 'pending' AND b.expires_at > p_at
           AND bs.status = 'pending';
    END IF;
    IF v_mine + v_n > p_per_email THEN
        RETURN QUERY SELECT 'limit_email', NULL::bigint[], v_mine, NULL::bigint, NULL::text, NULL::bigint[],
            NULL::bigint, NULL::timestamptz, NULL::text, NULL::text, NULL::boolean, NULL::timestamptz,
            NULL::timestamptz, NULL::timestamptz,
            NULL::bigint[], NULL::integer[], NULL::integer[], NULL::bigint[];
        RETURN;
    END IF;
    IF p_per_client > 0 AND v_theirs + v_n > p_per_client THEN
        RETURN QUERY SELECT 'limit_client', NULL::bigint[], v_theirs, NULL::bigint, NULL::text, NULL::bigint[],
            NULL::bigint, NULL::timestamptz, NULL::text, NULL::text, NULL::boolean, NULL::timestamptz,
            NULL::timestamptz, NULL::timestamptz,
            NULL::bigint[], NULL::integer[], NULL::integer[], NULL::bigint[];
        RETURN;
    END IF;
    IF NOT p_types_ok THEN
        RETURN QUERY SELECT 'types', NULL::bigint[], NULL::integer, NULL::bigint, NULL::text, NULL::bigint[],
            NULL::bigint, NULL::timestamptz, NULL::text, NULL::text, NULL::boolean, NULL::timestamptz,
            NULL::timestamptz, NULL::timestamptz,
            NULL::bigint[], NULL::integer[], NULL::integer[], NULL::bigint[];
        RETURN;
    END IF;

    -- The booking, under the first reference nobody has (a collision is about 1 in 10^12).
    FOREACH v_reference IN ARRAY p_references LOOP
        INSERT INTO booking_booking (created_at, updated_at, reference, token_hash, customer_id, showtime_id, status,
            total_price, booked_at, expires_at, paid_at, payment_method, payment_reference, cancelled_at,
            cancel_reason, recipient_name, recipient_email, gift_message, language, client_ip, channel, comp_reason,
            sold_by_id, promo_code_id, promo_code_text)
        VALUES (p_at, p_at, v_reference, p_token_hash, v_customer.id, p_showtime_id, 'pending',
            p_total, p_at, p_expires_at, NULL, '', '', NULL,
            '', p_recipient_name, p_recipient_email, p_gift_message, p_language, p_client_ip, 'online', '',
            NULL, NULL, '')
        ON CONFLICT (reference) DO NOTHING
        RETURNING id INTO v_booking;
        EXIT WHEN v_booking IS NOT NULL;
    END LOOP;
    IF v_booking IS NULL THEN
        RAISE EXCEPTION 'could not draw a unique booking reference';
    END IF;

    -- The seats, priced and typed as Python froze them. The conditional unique constraint is
    -- the last word, whatever the checks above missed: a seat it refuses is not inserted, and
    -- the hold answers "taken" (the caller rolls the transaction back).
    WITH added AS (
        INSERT INTO booking_bookingseat (created_at, updated_at, booking_id, showtime_id, seat_id, tariff_id,
            final_price, discount, tariff_name, ticket_type_id, ticket_type_code, ticket_type_name, status,
            checked_in_at, checked_in_by_id, checked_in_override, code_version)
        SELECT p_at, p_at, v_booking, p_showtime_id, s.id, p_tariff_id, s.price, 0, p_tariff_name, s.type_id,
               s.code, s.name, 'pending', NULL, NULL, false, 0
          FROM unnest(p_seat_ids, p_prices, p_type_ids, p_type_codes, p_type_names) AS s(id, price, type_id, code, name)
        ON CONFLICT (showtime_id, seat_id) WHERE status IN ('pending', 'paid') DO NOTHING
        RETURNING id, seat_id
    )
    SELECT array_agg(a.id ORDER BY a.seat_id) INTO v_rows FROM added a;
    IF coalesce(cardinality(v_rows), 0) <> v_n THEN
        SELECT array_agg(DISTINCT bs.seat_id ORDER BY bs.seat_id) INTO v_taken
          FROM booking_bookingseat bs JOIN booking_booking b ON b.id = bs.booking_id
         WHERE bs.showtime_id = p_showtime_id AND bs.seat_id = ANY(p_seat_ids) AND bs.status IN ('pending', 'paid')
           AND (bs.status = 'paid' OR b.expires_at > p_at) AND bs.booking_id <> v_booking;
        RETURN QUERY SELECT 'just_taken', coalesce(v_taken, p_seat_ids), NULL::integer, NULL::bigint, NULL::text,
            NULL::bigint[], NULL::bigint, NULL::timestamptz, NULL::text, NULL::text, NULL::boolean,
            NULL::timestamptz, NULL::timestamptz, NULL::timestamptz,
            NULL::bigint[], NULL::integer[], NULL::integer[], NULL::bigint[];
        RETURN;
    END IF;

    -- The rows the hold touches as they are now, in this transaction, for the single-seat
    -- rule (booking/services.py decides; a refusal rolls the transaction back). Two holds
    -- committing at the same instant do not see each other here: together they may leave a
    -- gap that neither would alone (a sales preference, not an integrity rule).
    IF p_row_occupancy THEN
        SELECT array_agg(st.id ORDER BY st.id), array_agg(st.row_number ORDER BY st.id),
               array_agg(st."column" ORDER BY st.id)
          INTO v_row_seats, v_row_numbers, v_row_columns
          FROM venues_seat st
         WHERE st.hall_id = v_show.hall_id
           AND st.row_number IN (SELECT r.row_number FROM venues_seat r WHERE r.id = ANY(p_seat_ids));
        SELECT array_agg(DISTINCT t.seat_id ORDER BY t.seat_id) INTO v_row_taken FROM (
            SELECT bs.seat_id FROM booking_bookingseat bs JOIN booking_booking b ON b.id = bs.booking_id
             WHERE bs.showtime_id = p_showtime_id AND bs.seat_id = ANY(v_row_seats)
               AND bs.status IN ('pending', 'paid') AND (bs.status = 'paid' OR b.expires_at > p_at)
            UNION
            SELECT k.seat_id FROM booking_seatblock k
             WHERE k.showtime_id = p_showtime_id AND k.seat_id = ANY(v_row_seats)
        ) t;
    END IF;

    RETURN QUERY SELECT 'ok', v_lapsed, NULL::integer, v_booking, v_reference, v_rows,
        v_customer.id, v_customer.created_at, v_customer.email::text, v_customer.phone::text,
        v_customer.marketing_consent, v_customer.marketing_consent_at, v_customer.marketing_withdrawn_at,
        v_customer.erased_at, v_row_seats, v_row_numbers, v_row_columns, v_row_taken;
END
$$;
"""

HOLD_SIGNATURE = _before.HOLD_SIGNATURE + ", boolean"


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0011_hold_function"),
        ("venues", "0003_seat_column_best_zone_wheelchair"),
    ]

    operations = [
        PostgreSQLOnly(
            [f"DROP FUNCTION marquee_booking_hold({_before.HOLD_SIGNATURE})", HOLD],
            [f"DROP FUNCTION marquee_booking_hold({HOLD_SIGNATURE})", _before.HOLD],
        ),
    ]
