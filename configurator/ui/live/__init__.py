"""Live views: camera widgets and windows, the event log and its sources.

Importing this package installs the GUI's wake-up of the camera pipelines
(:mod:`.loop_wakeup`: a QSocketNotifier per inbox on the qasync loop) before any camera starts.
"""

from .loop_wakeup import install as _install_loop_wakeup

_install_loop_wakeup()
