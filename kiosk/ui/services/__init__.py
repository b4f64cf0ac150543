"""Qt services that are not widgets: content watcher, heartbeat, Qt log, pictures, slices,
automation, fonts, work off the UI thread."""
