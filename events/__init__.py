"""Event store: eventsourcing applications, persistence, transcodings and read models."""
