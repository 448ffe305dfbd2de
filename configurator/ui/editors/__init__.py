"""Generated editors for a capability: settings forms, tables and their field editors."""
