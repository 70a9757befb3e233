# CI's base of every service image: the packages of runtime-packages.txt (the same list
# build-base.sh gives mmdebstrap for the local base) on debian:bookworm-slim.
FROM debian:bookworm-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY tools/images/runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update \
    && grep -v '^#' /tmp/runtime-packages.txt | xargs apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt
