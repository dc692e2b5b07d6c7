# lrs: the learning-rate schedule service.
#
#   docker build -t lrs .
#   docker run -p 8000:8000 -v lrs-data:/data -e LRS_ADMIN_TOKEN=... lrs
#
# The base comes from a build argument so that CI (.ci/run, via ../shared/tools/container-check) can
# build on a local Debian image with no registry to pull from. The app lives in its own venv at
# /opt/lrs, made by the base's own python3, so it works whether python is /usr/local/bin/python3
# (python:*-slim) or a venv already on PATH (the CI base); the runtime stage copies that venv to the
# same path on the same base, so its interpreter link stays valid.
ARG BASE_IMAGE=python:3.12-slim

# ---- builder: build the wheel from pyproject.toml (hatchling) and install it into /opt/lrs ----
FROM ${BASE_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONDONTWRITEBYTECODE=1

RUN python3 -m venv /opt/lrs

WORKDIR /src
COPY pyproject.toml README.md ./
COPY service/ service/
# The wheel is built in pip's isolated build environment (hatchling from pyproject.toml); the
# dependencies' versions are the ranges pyproject.toml declares.
RUN /opt/lrs/bin/pip wheel --no-cache-dir --progress-bar off --no-deps --wheel-dir /wheels . \
    && set -- /wheels/lrserve-*.whl \
    && /opt/lrs/bin/pip install --no-cache-dir --progress-bar off "$1[server]" \
    && /opt/lrs/bin/lrs --help >/dev/null

# ---- runtime: the venv only, no build tools, non-root ----
FROM ${BASE_IMAGE} AS runtime

ARG LRS_UID=10001
RUN groupadd --gid "${LRS_UID}" lrs \
    && useradd --uid "${LRS_UID}" --gid lrs --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin lrs \
    && mkdir -p /data \
    && chown lrs:lrs /data \
    && chmod 0700 /data

COPY --from=builder /opt/lrs /opt/lrs

ENV PATH=/opt/lrs/bin:$PATH \
    LRS_DATA_DIR=/data \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

# The SQLite file (lrs.sqlite3) and a generated admin-token live here; owned by lrs above, before
# VOLUME, so a fresh volume inherits that ownership.
VOLUME ["/data"]
WORKDIR /data
# Numeric, so that an orchestrator (Kubernetes runAsNonRoot) can tell it is not root.
USER ${LRS_UID}:${LRS_UID}

EXPOSE 8000

# No curl in the base: ask /livez with the app's own interpreter.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/opt/lrs/bin/python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/livez', timeout=4).status == 200 else 1)"]

CMD ["lrs", "serve", "--host", "0.0.0.0", "--port", "8000"]
