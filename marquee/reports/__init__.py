"""Occupancy, sales, watch history and recommendations: read-only selectors, plus the tallies of past showtimes."""
