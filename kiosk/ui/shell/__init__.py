"""The kiosk's frame: the window, the controller that owns the patient's session, the page
factory, lockdown and idle."""
