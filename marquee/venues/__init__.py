"""Where the cinema shows: halls and their seat layouts; capacity always equals the seat count."""
