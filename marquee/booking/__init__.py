"""Customers, bookings and booked seats: hold, pay, cancel and expire (services), seat maps (selectors), check-in."""
