"""Turning an outbox row into a message: email bodies, the PDF, the QR codes, the calendar file."""
