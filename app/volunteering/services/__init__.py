"""Use cases of volunteering: activities, shifts, signups, attendance, calendars."""
