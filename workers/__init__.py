"""Background work (Celery): reminders and deliveries."""
