"""Live data without Qt: the camera pipeline, the event hub and the event journal.

- :mod:`.frames` newest-frame-wins slot and decoded frames (owned RGB buffers)
- :mod:`.sources` where JPEG frames come from (device MJPEG, snapshot polling, any URL)
- :mod:`.camera` the pipeline: reader task -> slot -> decoder in an executor -> listeners
- :mod:`.diagnostic` the headless ``camera_diagnostic`` used by the CLI
- :mod:`.hub` one stream of DeviceEvents from many devices
- :mod:`.journal` the SQLite event journal
- :mod:`.eventstore` the in-memory event index the event pane filters
- :mod:`.export` CSV/JSON rows shared by the pane and the journal
"""
