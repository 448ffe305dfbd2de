"""Vendor-neutral core: the Device interface, parameter specs, errors, transport, events."""
