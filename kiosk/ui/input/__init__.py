"""Touch and activity: swipes, kinetic scrolling, long press, any touch or key."""
