# Build stage: install the pinned dependencies into a virtual environment.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN python -m venv /venv
COPY pyproject.toml ./
# Only the pinned dependencies: the code itself runs from /app, beside its templates and static files.
RUN python -c "import tomllib; print('\\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && /venv/bin/pip install -r requirements.txt

# Runtime stage: the code, the venv and the collected static files, run as an unprivileged user.
FROM python:3.11-slim
ENV PATH="/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=kremlin_archive.settings \
    VAR_DIR=/data \
    STATIC_ROOT=/app/staticfiles
RUN useradd --system --create-home --uid 10001 archive && mkdir -p /data && chown archive /data
WORKDIR /app
COPY --from=build /venv /venv
COPY --chown=archive . .
# collectstatic only reads the settings; the throwaway key never serves a request.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0
USER archive
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "docker/healthcheck.py"]
# gunicorn.conf.py in /app sets the workers, threads and timeouts; the container listens on every interface.
ENV HOST=0.0.0.0 PORT=8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "kremlin_archive.wsgi"]
