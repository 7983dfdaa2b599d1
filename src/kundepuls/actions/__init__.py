"""Improvement actions and their measured effect."""
