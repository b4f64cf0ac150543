"""The exit codes every command shares."""

EXIT_ERROR = 1
EXIT_CONFIG = 2
EXIT_NO_DISPLAY = 4
