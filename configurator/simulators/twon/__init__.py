"""Simulated 2N IP intercoms (HTTP API v2.38 and the older v2.11 of the Helios IP Vario)."""

from .device import DEFAULT_PASSWORD, DEFAULT_USER, TwoNSimulator, create
from .security import ApiUser, Service, ServiceSecurity

__all__ = ["DEFAULT_PASSWORD", "DEFAULT_USER", "ApiUser", "Service", "ServiceSecurity",
           "TwoNSimulator", "create"]
