"""Site-scale views: the commissioning report's PDF (and the bulk-edit window parts)."""
