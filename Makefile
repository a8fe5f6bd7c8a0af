# PMO Board. Two commands, both install whatever is missing first:
#   make run    build in release mode and serve http://127.0.0.1:3000 (SQLite under ./data/)
#   make test   every test: unit, property, integration (SQLite and Postgres), wasm, end-to-end
#
# Tools are pinned here and installed once per machine (guarded by version checks).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# A build cache outside the clone keeps CI's later runs short.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/pmo-board/target
export PATH := $(HOME)/.cargo/bin:$(PATH)

# cargo-leptos 0.3.11 needs rustc 1.96; 0.3.10 is the newest that builds on 1.95.
CARGO_LEPTOS_VERSION := 0.3.10
# The wasm-bindgen CLI must be exactly the crate version pinned in Cargo.toml.
WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
# wasm-opt for release builds, from npm (Debian's binaryen is too old for current rustc output).
BINARYEN_VERSION := 132.0.0
TOOLS := $(CURDIR)/target/tools
export PATH := $(TOOLS)/node_modules/.bin:$(PATH)

PMO_TEST_POSTGRES_URL ?=
export PMO_TEST_POSTGRES_URL

ARGS ?=

.PHONY: run test tools wasm-opt browser e2e-deps build-release build-debug \
        test-shared test-server test-wasm test-e2e fuzz

run: tools wasm-opt build-release
	$(CARGO_TARGET_DIR)/release/pmo-board --site-root target/site $(ARGS)

test: tools browser e2e-deps test-shared test-server test-wasm test-e2e

tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown
	@command -v cargo-leptos >/dev/null \
	  || cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --features no_downloads
	@# Not --locked: the CLI's own lock file names a webpki-roots release the registry no longer serves.
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)" \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force

wasm-opt:
	@test -x $(TOOLS)/node_modules/.bin/wasm-opt \
	  || npm install --prefix $(TOOLS) --no-audit --no-fund --no-save binaryen@$(BINARYEN_VERSION)

browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; }

# `npm install`, not `npm ci`: npm 11 writes a lock file that its own `npm ci` then refuses
# (cbor-extract's optional platform packages come out empty). `npm install` follows the lock
# file as it is and leaves it unchanged.
e2e-deps:
	@cd end2end && { test -d node_modules/@playwright/test || npm install --no-audit --no-fund; }

build-release:
	cargo leptos build --release

build-debug:
	cargo leptos build

test-shared:
	cargo test -p shared

test-server:
	cargo test -p server

# The domain crate's tests compiled to wasm32 and run in Node by wasm-bindgen-test-runner.
test-wasm:
	cargo test -p shared --target wasm32-unknown-unknown --test wasm

test-e2e: build-debug
	cd end2end && npx playwright test

# Not part of `make test` (which replays the committed corpus): runs both fuzz targets for
# FUZZ_SECONDS each on the nightly toolchain and grows fuzz/corpus. Commit new corpus files and
# any crasher under fuzz/artifacts/ with its fix.
FUZZ_SECONDS ?= 300
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd fuzz && for target in decode_frame sync_handler; do \
	  CARGO_TARGET_DIR=$(HOME)/.cache/pmo-board/fuzz-target cargo +nightly fuzz run $$target corpus/$$target -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done
