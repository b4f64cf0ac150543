"""The front-desk app's rules, without Qt: unlock, the inbox of sign-ups, search, the
count of new arrivals, the idle lock, the CSV export and the link to the clinic server.

The window (kiosk/ui/desk/) only draws what these say; every rule is tested without a
display. Nothing here may use a Linux-only call: the desk app runs on Windows and macOS
too (from pip).
"""
