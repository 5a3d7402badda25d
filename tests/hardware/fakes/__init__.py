"""Fakes of the camera and pin libraries that exist only on the boards (picamera2, PyGObject's Gst, harvesters,
Jetson.GPIO): each keeps the calls, names and behaviour the station relies on, and a test's hands to unplug it."""
