# GameMetrics Pro — developer entry points. The work is done by the scripts in tools/platform/.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PLATFORM := tools/platform
SWIFT_SOURCES := Package.swift services shared tools fuzz bench

.PHONY: help deps build up down restart status demo test smoke check-rules charts lint format images images-smoke clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

deps: ## install missing system packages and the project venv (.venv with rclone)
	@$(PLATFORM)/install-deps.sh

build: deps ## swift build (GM_BUILD_CONFIG=release|debug, default release)
	@source $(PLATFORM)/lib.sh && ensure_swift && swift build -c "$$(gm_build_config)"

up: ## build and start the whole local platform on 127.0.0.1; writes .gm/demo.env
	@$(PLATFORM)/up.sh

down: ## stop everything `make up` started
	@$(PLATFORM)/down.sh

restart: down up ## down, then up

status: ## one line per component: pid, running?, ready?
	@$(PLATFORM)/status.sh

demo: ## make up plus the player simulator at a steady rate (GM_DEMO_RATE, default 200 events/s); prints the admin URL and login
	@$(PLATFORM)/demo.sh

test: ## static checks, throwaway test servers, swift test
	@$(PLATFORM)/test.sh

smoke: ## the release smoke test (tools/release/smoke.py) against `make up`: must pass, and fail with ingestion stopped
	@tools/release/smoke-local.sh

images: ## OCI images of the eight services with podman (base from Debian packages, cached); prints sizes
	@tools/images/build.sh

images-smoke: ## run each image read-only as uid 10001: deps unreachable (ready 503), then against the running platform (ready 200, starts it if needed); SIGTERM exits 0
	@tools/images/smoke.sh

charts: deps ## render every chart and scenario, validate against Kubernetes + CRD schemas, policies, checkov
	@.venv-charts/bin/python tools/charts/check.py

check-rules: ## promtool check + unit tests of the alert rules
	@$(PLATFORM)/check-rules.sh

lint: deps ## shellcheck the platform scripts, swift format lint the Swift code
	@shellcheck -x $(PLATFORM)/*.sh tools/browser/*.sh tools/images/*.sh tools/release/*.sh tools/devkafka/librdkafka/build.sh .ci/run
	@source $(PLATFORM)/lib.sh && ensure_swift && swift format lint --strict --recursive --parallel $(SWIFT_SOURCES)

format: ## reformat the Swift code as .swift-format says (make test fails on a difference)
	@source $(PLATFORM)/lib.sh && ensure_swift && swift format --in-place --recursive --parallel $(SWIFT_SOURCES)

clean: down ## stop everything and delete local state (.gm/: databases, logs, secrets)
	@rm -rf .gm
