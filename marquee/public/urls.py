"""The public site's addresses."""

from django.urls import URLPattern, URLResolver, path

from marquee.public import my_data, views, vouchers, waiting_room, waitlist

# The page a customer's browser comes back to from a provider's payment page: a page of
# this site, addressed as `payments:return` under payments/ (marquee/urls.py puts it there).
payment_urlpatterns: list[URLPattern | URLResolver] = [
    path("return/<str:reference>/", views.payment_return, name="return"),
]

app_name = "public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("posters/<int:movie_id>.svg", views.poster, name="poster"),
    path("movies/<int:movie_id>/", views.movie, name="movie"),
    path("schedule/", views.schedule, name="schedule"),
    path("showtimes/<int:showtime_id>/", views.showtime, name="showtime"),
    path("showtimes/<int:showtime_id>/seats/", views.showtime_seats, name="showtime_seats"),
    path("showtimes/<int:showtime_id>/checkout/", views.checkout, name="checkout"),
    path("showtimes/<int:showtime_id>/waitlist/", waitlist.waitlist_join_view, name="waitlist_join"),
    path("waitlist/leave/<str:token>/", waitlist.waitlist_leave_view, name="waitlist_leave"),
    path("queue/<int:sale_id>/", waiting_room.waiting_room, name="waiting_room"),
    path("queue/<int:sale_id>/status/", waiting_room.waiting_room_status, name="waiting_room_status"),
    path("bookings/<str:reference>/", views.booking, name="booking"),
    path("bookings/<str:reference>/pay/", views.booking_pay, name="booking_pay"),
    path("bookings/<str:reference>/pay/confirm/", views.booking_pay_confirm, name="booking_pay_confirm"),
    path("bookings/<str:reference>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<str:reference>/resend/", views.booking_resend, name="booking_resend"),
    path("vouchers/", vouchers.voucher_page, name="vouchers"),
    path("vouchers/bought/<str:handle>/", vouchers.voucher_return, name="voucher_return"),
    path("vouchers/bought/<str:handle>/confirm/", vouchers.voucher_pay_confirm, name="voucher_pay_confirm"),
    path("my-bookings/", views.my_bookings, name="my_bookings"),
    path("my-bookings/sign-in/<str:token>/", views.my_bookings_sign_in, name="my_bookings_sign_in"),
    path("my-bookings/sign-out/", views.sign_out, name="sign_out"),
    path("my-bookings/my-data/", my_data.my_data, name="my_data"),
    path("my-bookings/my-data.json", my_data.my_data_json, name="my_data_json"),
    path("my-bookings/my-data/withdraw-consent/", my_data.my_data_withdraw_consent, name="my_data_withdraw_consent"),
    path("my-bookings/my-data/forget/", my_data.my_data_forget, name="my_data_forget"),
]
