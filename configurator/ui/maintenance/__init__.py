"""Maintenance of a device: configuration backup and restore, firmware."""
