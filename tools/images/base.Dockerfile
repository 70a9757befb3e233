# CI's base of every service image: the packages of runtime-packages.txt (the same list
# build-base.sh gives mmdebstrap for the local base) on debian:bookworm-slim. With
# `--build-arg SERVICE=<service>`, also that service's runtime-packages-<service>.txt when it
# exists (admin: Chart.js), as `build-base.sh <service>` does locally.
FROM debian:bookworm-slim
ARG SERVICE=""
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY tools/images/runtime-packages*.txt /tmp/
RUN lists=(/tmp/runtime-packages.txt) \
    && if [[ -n "${SERVICE}" && -f "/tmp/runtime-packages-${SERVICE}.txt" ]]; then lists+=("/tmp/runtime-packages-${SERVICE}.txt"); fi \
    && apt-get update \
    && cat "${lists[@]}" | grep -v '^#' | grep -v '^[[:space:]]*$' | xargs apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages*.txt
