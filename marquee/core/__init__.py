"""What every app stands on: the timestamped base model, the clock, money, DomainError codes, locks."""
