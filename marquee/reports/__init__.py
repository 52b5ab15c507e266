"""Occupancy, sales and watch history: read-only selectors, plus the tallies of past showtimes."""
