"""Alerts: rule editor, window banner, tray notifications and the alert log."""
