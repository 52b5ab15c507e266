"""The back office at /staff/: one path per line, so that parallel additions merge cleanly."""

from django.urls import URLPattern, URLResolver, path

from marquee.backoffice import audit as audit_pages
from marquee.backoffice import (
    bookings,
    campaigns,
    customers,
    dashboard,
    erasure,
    halls,
    moves,
    reports,
    schedule,
    tariffs,
)
from marquee.backoffice import cash_up as cash_up_pages
from marquee.backoffice import checkin as checkin_page
from marquee.backoffice import mail as mail_log
from marquee.backoffice import movies as catalog_pages
from marquee.backoffice import payments as money_pages
from marquee.backoffice import sell as counter

app_name = "backoffice"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboard.dashboard, name="dashboard"),
    path("schedule/", schedule.planner, name="planner"),
    path("schedule/check/", schedule.conflicts_check, name="conflicts_check"),
    path("showtimes/<int:showtime_id>/", schedule.showtime_detail, name="showtime"),
    path("showtimes/<int:showtime_id>/cancel/", schedule.showtime_cancel_view, name="showtime_cancel"),
    path("showtimes/<int:showtime_id>/move/", schedule.showtime_move, name="showtime_move"),
    path("showtimes/<int:showtime_id>/house-seats/", moves.house_seats, name="house_seats"),
    path("halls/", halls.hall_list, name="halls"),
    path("halls/<int:hall_id>/", halls.hall_layout, name="hall"),
    path("halls/<int:hall_id>/preview/", halls.hall_preview, name="hall_preview"),
    path("halls/<int:hall_id>/seat/", halls.hall_seat, name="hall_seat"),
    path("tariffs/", tariffs.tariff_list, name="tariffs"),
    path("tariffs/<int:tariff_id>/", tariffs.tariff_edit, name="tariff"),
    path("tariffs/<int:tariff_id>/delete/", tariffs.tariff_remove, name="tariff_delete"),
    path("bookings/", bookings.booking_list, name="bookings"),
    path("bookings/<str:reference>/", bookings.booking_detail, name="booking"),
    path("bookings/<str:reference>/pay/", bookings.booking_pay, name="booking_pay"),
    path("bookings/<str:reference>/cancel/", bookings.booking_cancel_view, name="booking_cancel"),
    path("bookings/<str:reference>/refund/", bookings.booking_refund_view, name="booking_refund"),
    path("bookings/<str:reference>/resend/", bookings.booking_resend_view, name="booking_resend"),
    path("bookings/<str:reference>/move/", moves.booking_move_view, name="booking_move"),
    path("reports/occupancy/", reports.occupancy, name="occupancy"),
    path("reports/occupancy.csv", reports.occupancy_csv, name="occupancy_csv"),
    path("reports/occupancy-heat-map.csv", reports.occupancy_heat_csv, name="occupancy_heat_csv"),
    path("reports/expansion.csv", reports.expansion_csv, name="expansion_csv"),
    path("reports/sales/", reports.sales, name="sales"),
    path("reports/sales.csv", reports.sales_csv, name="sales_csv"),
    path("reports/customers.csv", reports.customers_csv, name="customers_csv"),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer"),
    path("customers/<int:customer_id>/erase/", erasure.customer_erase_view, name="customer_erase"),
    path("movies/<int:movie_id>/audience/", customers.movie_audience, name="movie_audience"),
    path("campaign/", campaigns.campaign, name="campaign"),
    path("campaign/send/", campaigns.campaign_send, name="campaign_send"),
    path("checkin/", checkin_page.checkin, name="checkin"),
    path("checkin/<int:showtime_id>/", checkin_page.checkin_door, name="checkin_door"),
    path("checkin/<int:showtime_id>/scan/", checkin_page.checkin_scan, name="checkin_scan"),
    path("checkin/<int:showtime_id>/count/", checkin_page.checkin_count, name="checkin_count"),
    path("mail/", mail_log.mail_log, name="mail"),
    path("payments/", money_pages.payment_list, name="payments"),
    path("payments.csv", money_pages.payments_csv, name="payments_csv"),
    path("reconciliation/", money_pages.reconciliation, name="reconciliation"),
    path("cash-up/", cash_up_pages.cash_up_page, name="cash_up"),
    path("cash-up.pdf", cash_up_pages.cash_up_pdf, name="cash_up_pdf"),
    path("audit/", audit_pages.audit_list, name="audit"),
    path("audit.csv", audit_pages.audit_csv, name="audit_csv"),
    path("sell/", counter.sell_list, name="sell"),
    path("sell/<int:showtime_id>/", counter.sell_showtime, name="sell_showtime"),
    path("sell/<int:showtime_id>/seats/", counter.sell_seats, name="sell_seats"),
    path("sell/sold/<str:reference>/", counter.sell_done, name="sell_done"),
    path("sell/sold/<str:reference>/tickets-80mm.pdf", counter.sell_tickets_80mm, name="sell_tickets_80mm"),
    path("sell/sold/<str:reference>/tickets-a4.pdf", counter.sell_tickets_a4, name="sell_tickets_a4"),
    path("sell/sold/<str:reference>/receipt.pdf", counter.sell_receipt, name="sell_receipt"),
    path("movies/", catalog_pages.movie_list, name="movies"),
    path("movies/new/", catalog_pages.movie_new, name="movie_new"),
    path("movies/<int:movie_id>/", catalog_pages.movie_edit, name="movie"),
    path("movies/<int:movie_id>/delete/", catalog_pages.movie_remove, name="movie_delete"),
    path("genres/", catalog_pages.genre_list, name="genres"),
    path("genres/<int:genre_id>/", catalog_pages.genre_edit, name="genre"),
    path("genres/<int:genre_id>/delete/", catalog_pages.genre_remove, name="genre_delete"),
]
