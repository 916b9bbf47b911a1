# hostattest — the two commands of the quick start:
#   make demo   installs missing system packages, builds, runs the main job end to end
#   make test   installs missing system packages, builds (debug), runs every test
SWIFT ?= swift
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build build-release test demo bench clean

all: build

deps:
	@bash Scripts/install-deps.sh

build: deps
	@echo "build: swift build (debug)"
	$(SWIFT) build -j $(JOBS)

test: deps
	@bash Scripts/install-test-deps.sh
	@echo "test: building the package and its tests (debug)"
	$(SWIFT) build --build-tests -j $(JOBS)
	@echo "test: running every test (parallel)"
	$(SWIFT) test --skip-build --parallel

demo: deps
	@echo "demo: building hostattest"
	$(SWIFT) build -j $(JOBS)
	@bash Scripts/demo.sh "$$($(SWIFT) build --show-bin-path)/hostattest"

# Every benchmark on a release build (figures recorded in the README).
bench: deps
	$(SWIFT) build -c release -j $(JOBS)
	@bin="$$($(SWIFT) build -c release --show-bin-path)/hostattest"; \
	for b in authenticode eventlog quote image boot; do echo "bench: $$b"; "$$bin" bench $$b || exit $$?; done; \
	state="$$(mktemp -d)"; echo "bench: tpm (software TPM in $$state)"; "$$bin" bench tpm --tpm "soft:$$state/tpm.json" || exit $$?; rm -rf "$$state"

clean:
	rm -rf .build
