"""configurator: commission and watch IP intercoms, IP phones and IP-PBXs of several vendors."""

__version__ = "0.1.0"
