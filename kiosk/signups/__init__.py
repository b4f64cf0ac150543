"""Patient sign-ups: validation, sealing to the clinic's key, and the SQLite store. Qt-free.

``entry`` checks what the patient typed, ``crypto`` holds the clinic's keys, ``store`` keeps
sealed entries on disk, ``export`` writes CSV, and ``service`` ties them together for the
kiosk window and the command line.
"""
