"""When and where: showtimes, the pure overlap rule, and the scheduling service."""
