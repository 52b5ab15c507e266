"""Recommendation campaigns: whom to recommend what (recommendations.py), who was recommended what,
and one-click unsubscribe."""
