"""Widgets the pages are made of: bars, dots, keyboard, pictures, buttons, theme."""
