"""Simulated FCM5600 IP-PBX (REST API over HTTPS)."""
