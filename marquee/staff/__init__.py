"""Staff roles (Admin, Box office), their permission checks, and API keys."""
