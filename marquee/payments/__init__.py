"""Money: the payment ledger (payments, refunds, providers' notifications) and the providers.

This app stands above `booking`: it takes a booking's total through a provider, and tells
booking to mark it paid or cancelled; booking never imports it.
"""
