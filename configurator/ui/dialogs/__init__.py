"""Dialogs awaited from coroutines, the prompter that asks the user, and the add-device dialog."""
