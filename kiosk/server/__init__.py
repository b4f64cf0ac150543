"""The clinic server: PostgreSQL holding sealed sign-ups between the kiosks and the desk.

Qt-free. ``config`` (the ``[server]`` table), ``errors`` (what can go wrong, in plain words),
``connection`` (connecting by libpq's own conventions, TLS required off this computer),
``schema`` (versioned migrations and the two roles), ``kiosk_link`` (what a kiosk may do:
send sealed entries and heartbeats, read the clinic's public key), ``desk_store`` (what the
desk may do, each action audited) and ``kiosk_status`` (a kiosk's health from its heartbeat).
"""
