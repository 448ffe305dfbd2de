"""The main window: its layout, menus, navigation and the controllers that act on the site."""
