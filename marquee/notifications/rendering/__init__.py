"""Turning an outbox row into a message, whatever app it is about: the envelope and the
registry of renderers by kind (email.py), and the generic pieces renderers use (the PDF fonts
and QR drawing in pdf.py, QR images in qr.py). What a message says is in its own app."""
