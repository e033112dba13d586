"""Placeholder: reminders are added this session."""
