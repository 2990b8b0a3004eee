"""Insights: calculated attributes, segments, recommenders, customer intents."""
