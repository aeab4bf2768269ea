"""Background work (Celery on Redis): the reminder scan and deliveries.

``celery -A workers worker`` and ``celery -A workers beat`` find the app here. Without a
broker, ``python -m workers embedded`` runs the same scan and deliveries in one process.
"""

from workers.celery_app import app

__all__ = ["app"]
