"""Staff pages at /staff/: schedule planner, hall layouts, tariffs, bookings, reports, campaigns."""
