"""Amendments as data: timeline, diff, as-known-on, impact and amendment coverage."""
