"""Simulated Fanvil / OpenVox phones (XML HTTP API): see ``device.py``."""
