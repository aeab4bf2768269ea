"""The domain of joint innovation consortia: aggregates, value objects and rules.

Plain Python on ``eventsourcing.domain``. Nothing here knows Flask, Celery, a database or a
clock: the time of an act arrives with the act, in a :class:`~consortium.cause.Cause`.
"""
