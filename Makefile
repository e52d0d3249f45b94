# spendtop: `make demo` runs the dashboard on the embedded broker, `make test` runs every test,
# `make bench` runs the benchmarks. Each installs the missing system packages first (apt-get,
# through sudo when not root).

SWIFT ?= swift
PACKAGES := libncurses-dev librdkafka-dev tmux pkg-config
# The bench also times kcat and a Python script; only the bench needs these.
BENCH_PACKAGES := kcat python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Arguments for `spendtop bench`, such as BENCH_ARGS="--only kafka,frame --runs 5".
BENCH_ARGS ?=

.PHONY: deps bench-deps build release test demo bench fuzz clean

# Installs the Debian packages in $(1) that are missing.
define install_missing
	@missing=""; \
	for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

deps:
	$(call install_missing,$(PACKAGES))

bench-deps: deps
	$(call install_missing,$(BENCH_PACKAGES))

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: build
	$(SWIFT) test

demo: release
	.build/release/spendtop --demo

# The whole bench takes about 15 minutes; see BENCHMARKS.md.
bench: bench-deps release
	.build/release/spendtop bench $(BENCH_ARGS)

# Runs each libFuzzer target for FUZZ_SECONDS (default 60) and fails when one finds a crash.
# The libFuzzer and AddressSanitizer runtimes ship with the Swift toolchain (6.3.1 on Linux),
# and the fuzzed modules import no C library, so no system package is needed. See docs/fuzzing.md.
FUZZ_SECONDS ?= 60

fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh

clean:
	rm -rf .build
