"""The kiosk's outbox (server mode): sealed sign-ups, committed here first, sent to the clinic
server oldest first and removed here once the server has them; the heartbeat. Qt-free.

``queue`` (the sign-up database seen by the shipper's thread), ``shipper`` (what to send and
when, on a clock it is given), ``runner`` (the thread).
"""
