"""The device tree and what a device node shows: capability nodes and the summary page."""
