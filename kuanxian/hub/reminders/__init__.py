"""Reminders: scheduling under the contact rules, and firing them once."""

from kuanxian.hub.reminders.service import ReminderService, Scheduled

__all__ = ["ReminderService", "Scheduled"]
