# The deskstream worker image (used by docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DESKSTREAM_DATA_DIR=/data \
    DESKSTREAM_EXPORT_DIR=/exports

WORKDIR /src
COPY . .
RUN pip install . && mkdir -p /data /exports

VOLUME ["/data", "/exports"]
EXPOSE 6066
CMD ["deskstream", "worker"]
