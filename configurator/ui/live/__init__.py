"""Live views: camera widgets and windows, the event log and its sources."""
