"""Read models: tables that answer questions across consortia (the portfolio, checkpoints,
money per party), kept up to date from the event store's notification log.

Each event is applied in one transaction together with its tracking record, so it is applied
exactly once, also after a crash; the tables can always be rebuilt from the events, beside the
live ones while the service runs, and switched to in one transaction (``Follower.rebuild``).
An event that cannot be applied is skipped and noted (``rm_failures``) in the transaction that
tracks the position past it, so it never stops the lists; it is applied after a fix by a retry.
"""
