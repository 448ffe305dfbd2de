"""The Configuration file page (2N ``/api/config``): a generic editable XML tree, its diff,
upload with the device's apply time, and the per-path result."""
