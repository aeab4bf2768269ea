# The consortium service image: web (gunicorn) and, with another command, the Celery workers.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# psycopg needs the PostgreSQL client library (libpq) of the system.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends libpq5 \
 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY consortium ./consortium
COPY events ./events
COPY web ./web
COPY workers ./workers
RUN pip install --disable-pip-version-check . \
 && useradd --create-home --uid 10001 consortium \
 && mkdir -p /app/var && chown consortium /app/var && chmod 0700 /app/var
USER consortium
EXPOSE 8000
CMD ["consortium", "serve", "--bind", "0.0.0.0:8000"]
