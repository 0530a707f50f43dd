# The production image: one image for web (gunicorn), Celery worker and Celery beat.
#   docker build -t wsr .      (docker compose up builds it too)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=wsr.settings \
    WSR_VAR_DIR=/var/lib/wsr

WORKDIR /app

# An unprivileged user owns only the data folder (uploaded media, the beat schedule).
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin wsr \
    && mkdir -p /var/lib/wsr/media /var/lib/wsr/spool /var/lib/wsr/beat \
    && chown -R wsr:wsr /var/lib/wsr

# Dependencies pinned by the same constraints file `make` uses.
COPY . .
RUN pip install -c constraints.txt .

# Static files (Bootstrap, htmx, Swagger UI from drf-spectacular-sidecar) and translations are
# built into the image. Settings need their required values to load; these build-time stand-ins
# are never used at run time and reach no service.
RUN python -m wsr.i18n_compile locale \
    && DATABASE_URL=postgres://build@localhost/build \
       REDIS_URL=redis://localhost:6379/0 \
       SECRET_KEY=build-time-only \
       FIELD_ENCRYPTION_KEY="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
       python manage.py collectstatic --noinput --verbosity 0

USER wsr
EXPOSE 8000

# WEB_CONCURRENCY (gunicorn's own variable) sets the number of web processes per container.
CMD ["gunicorn", "wsr.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--timeout", "30", "--graceful-timeout", "20", "--max-requests", "2000", "--max-requests-jitter", "200"]
