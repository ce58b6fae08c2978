"""Duplicate contacts: match keys, scoring, the scan, flagging new contacts, merge and undo."""
