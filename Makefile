# hostattest — the two commands of the quick start:
#   make demo   installs missing system packages, builds, runs `hostattest demo`: key chain, signed image,
#               baseline, server, good / tampered / replayed / upgraded / swtpm hosts, a table of outcomes
#   make walkthrough   the signed-boot-chain walk-through (Scripts/demo.sh)
#   make test   installs missing system packages, builds (debug), runs every test, then the same
#               tests under AddressSanitizer and a fuzz smoke of every parser (what CI runs)
#   make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGET=name]   libFuzzer + ASan on every (or one) parser
SWIFT ?= swift
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build build-release test test-asan fuzz fuzz-smoke demo walkthrough bench clean

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
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory fuzz-smoke

# Every test again under AddressSanitizer (own scratch path). LeakSanitizer stays on; only the
# third-party leaks named in Scripts/lsan.supp are suppressed.
test-asan: deps
	@echo "test-asan: building the package and its tests with -sanitize=address (.build-asan)"
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan -j $(JOBS)
	@echo "test-asan: running every test under AddressSanitizer (parallel), with leak detection"
	SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$(CURDIR)/Scripts/lsan.supp:print_suppressions=0 \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan --parallel --skip 'AttestServerTests'
	@echo "test-asan: the in-process server tests under AddressSanitizer, leak detection off (one open leak,"
	@echo "test-asan: written up in Docs/design/fuzzing.md: HummingbirdTesting's channel cycle)"
	SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan --parallel --filter 'AttestServerTests'

# libFuzzer targets for every parser (Fuzz/, scratch path .build-fuzz); see Docs/design/fuzzing.md.
FUZZ_SECONDS ?= 60
FUZZ_TARGET ?=
fuzz: deps
	@bash Scripts/fuzz.sh --seconds $(FUZZ_SECONDS) $(if $(FUZZ_TARGET),--target $(FUZZ_TARGET))

# A few seconds per target, so every target keeps building and the seeds still run clean.
fuzz-smoke: deps
	@bash Scripts/fuzz.sh --smoke

# The end-to-end demo (exit 0 only if every step behaved as expected); the sample images come from
# this repository.
demo: deps
	@echo "demo: building hostattest"
	$(SWIFT) build -j $(JOBS)
	"$$($(SWIFT) build --show-bin-path)/hostattest" demo --images "$(CURDIR)/Images"

# The signed-boot-chain walk-through: keys, signing, verify pe/vib/image, tampered and revoked images.
walkthrough: deps
	@echo "walkthrough: building hostattest"
	$(SWIFT) build -j $(JOBS)
	@bash Scripts/demo.sh "$$($(SWIFT) build --show-bin-path)/hostattest"

# Every benchmark on a release build (figures recorded in the README).
bench: deps
	$(SWIFT) build -c release -j $(JOBS)
	@bin="$$($(SWIFT) build -c release --show-bin-path)/hostattest"; \
	for b in authenticode eventlog quote image boot; do echo "bench: $$b"; "$$bin" bench $$b || exit $$?; done; \
	state="$$(mktemp -d)"; echo "bench: tpm (software TPM in $$state)"; "$$bin" bench tpm --tpm "soft:$$state/tpm.json" || exit $$?; rm -rf "$$state"; \
	echo "bench: server"; "$$bin" bench server || exit $$?

clean:
	rm -rf .build .build-asan .build-fuzz .fuzz
