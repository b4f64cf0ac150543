"""The front-desk app's window (``kiosk desk``): an ordinary desktop window, not the kiosk.

It sits beside ``shell`` in the ui layers: it puts views on screen and uses widgets and
services below it. Its rules live in kiosk/desk/ (Qt-free); views of other issues plug in
as tabs with `DeskWindow.add_view` (the Pages view, kiosk/ui/desk/pages/).
"""
