"""The mail outbox and the worker that delivers it: rendering (email, PDF, QR, calendar), retries, the delivery log."""
