# One image per service: `--build-arg SERVICE=<executable>` (ingestion, processor, user, ...).
# CI builds it from source in the official Swift image over a base made from
# tools/images/runtime-packages.txt on debian:bookworm-slim; `make images` builds it here from the
# release binaries already built (BINARIES=prebuilt) over the same list made with mmdebstrap
# (tools/images/build-base.sh), since no registry is reachable on the development machine.
ARG BASE=localhost/gamemetrics-base:bookworm
ARG SWIFT_IMAGE=swift:6.3.1-bookworm
ARG BINARIES=build

FROM ${SWIFT_IMAGE} AS build
ARG SERVICE
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /src
# The build's C libraries come at the versions of the Swift image's Debian release, whose point
# releases replace them: pinned versions would stop resolving.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends librdkafka-dev libhiredis-dev libcurl4-openssl-dev zlib1g-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
COPY Package.swift ./
COPY shared shared
COPY services services
COPY tools tools
COPY bench bench
COPY fuzz fuzz
COPY charts charts
# The binary, and the resource bundles it names (SwiftPM's accessor looks beside the executable).
RUN swift build -c release --static-swift-stdlib --product "${SERVICE}" \
    && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
    && install -D --strip "${bin}/${SERVICE}" /out/service \
    && grep -aoE 'GameMetricsPro_[A-Za-z]+\.resources' "${bin}/${SERVICE}" | sort -u | while read -r bundle; do \
           if [ -d "${bin}/${bundle}" ]; then cp -R "${bin}/${bundle}" /out/; fi; \
       done

FROM scratch AS prebuilt
ARG SERVICE
ARG BIN_DIR=.build/images
COPY ${BIN_DIR}/${SERVICE}/ /out/

FROM ${BINARIES} AS binaries

FROM ${BASE}
ARG SERVICE
ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE=https://github.com/gamemetrics/gamemetrics-pro
LABEL org.opencontainers.image.title="gamemetrics-${SERVICE}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=binaries /out/ /usr/local/bin/
# Numeric, so that Kubernetes' runAsNonRoot can verify it without a passwd entry.
USER 10001:10001
ENV GM_HTTP_HOST=0.0.0.0
ENTRYPOINT ["/usr/local/bin/service"]
