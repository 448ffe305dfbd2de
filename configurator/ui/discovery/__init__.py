"""Discovery: the panel that scans the network and the adding of what it found."""
