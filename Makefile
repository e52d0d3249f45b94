# spendtop: `make demo` runs the dashboard on the embedded broker, `make test` runs every test.
# Both install the missing system packages first (apt-get, through sudo when not root).

SWIFT ?= swift
PACKAGES := libncurses-dev librdkafka-dev tmux pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build release test demo fuzz clean

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: build
	$(SWIFT) test

demo: release
	.build/release/spendtop --demo

# Runs each libFuzzer target for FUZZ_SECONDS (default 60) and fails when one finds a crash.
# The libFuzzer and AddressSanitizer runtimes ship with the Swift toolchain (6.3.1 on Linux),
# and the fuzzed modules import no C library, so no system package is needed. See docs/fuzzing.md.
FUZZ_SECONDS ?= 60

fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh

clean:
	rm -rf .build
