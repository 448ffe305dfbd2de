"""Services shared by the GUI (and usable without Qt): sites, credentials, pins, tasks, sessions."""
