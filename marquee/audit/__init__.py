"""The record of who did what: every staff change, with its user, its time, and before → after.

Services call `audit_record` inside the transaction that makes the change, so a change that rolls
back leaves no record and a change that lands always has one. This app stands beside `core`, below
every domain app: it knows users and nothing of bookings or halls.
"""
