"""Recommendation campaigns: who was recommended what, and one-click unsubscribe."""
