"""The booking's emails, written when the outbox sends them: the messages, the calendar file
(showtime.ics) and the tickets' PDF."""
