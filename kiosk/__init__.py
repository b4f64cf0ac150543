"""Sciatica kiosk: a full-screen touch kiosk for a clinic waiting room."""

__version__ = "0.1.0"
