"""Tariffs and the pricing rule (a pure function) with the service that keeps tariffs from overlapping."""
