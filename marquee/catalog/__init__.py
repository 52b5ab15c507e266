"""What the cinema shows: movies and genres (models and the services that write them)."""
