# PMO Board. Two commands, both install whatever is missing first:
#   make run    build in release mode and serve http://127.0.0.1:3000 (SQLite under ./data/)
#   make test   every test: hygiene, unit, property, integration (SQLite and Postgres), wasm,
#               end-to-end; prints each step's time at the end
#
# Tools are pinned here and installed once per machine (guarded by version checks). Building
# needs no cargo-leptos: scripts/build-site.sh runs cargo, wasm-bindgen and wasm-opt, which is
# what cargo-leptos runs. `make watch` installs cargo-leptos for live rebuilding while developing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# A build cache outside the clone keeps CI's later runs short.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/pmo-board/target
export PATH := $(HOME)/.cargo/bin:$(PATH)

# cargo-leptos 0.3.11 needs rustc 1.96; 0.3.10 is the newest that builds on 1.95.
CARGO_LEPTOS_VERSION := 0.3.10
# The wasm-bindgen CLI must be exactly the crate version pinned in Cargo.toml.
WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
# Splits the lazy pages out of the app's wasm (what `cargo leptos build --split` does); the
# version that goes with the `wasm_split_helpers` in Cargo.lock.
WASM_SPLIT_VERSION := 0.2.3
# wasm-opt for release builds, from npm (Debian's binaryen is too old for current rustc output).
BINARYEN_VERSION := 132.0.0
TOOLS := $(CURDIR)/target/tools
export PATH := $(TOOLS)/node_modules/.bin:$(PATH)

PMO_TEST_POSTGRES_URL ?=
export PMO_TEST_POSTGRES_URL

# The browser tests run the binary that `cargo test -p server` builds (one server build for
# both suites), copied out so that other checkouts sharing CARGO_TARGET_DIR cannot replace it.
E2E_SERVER := $(CURDIR)/target/e2e/pmo-board
STEP := scripts/step.sh

ARGS ?=

.PHONY: run watch test tools wasm-opt compressors browser e2e-deps site site-release server-bin \
        lint test-shared test-app test-server test-wasm test-e2e fuzz simulate bench bench-ui bench-sync soak

run: tools wasm-opt site-release
	cargo build --release -p server --bin pmo-board
	$(CARGO_TARGET_DIR)/release/pmo-board --site-root target/site $(ARGS)

watch: tools
	@command -v cargo-leptos >/dev/null \
	  || cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --features no_downloads
	cargo leptos watch --split

test: tools browser e2e-deps
	@rm -f target/steps.txt
	@$(STEP) lint $(MAKE) --no-print-directory lint
	@$(STEP) test-shared $(MAKE) --no-print-directory test-shared
	@$(STEP) test-app $(MAKE) --no-print-directory test-app
	@$(STEP) test-server $(MAKE) --no-print-directory test-server
	@$(STEP) test-wasm $(MAKE) --no-print-directory test-wasm
	@$(STEP) site $(MAKE) --no-print-directory site
	@$(STEP) test-e2e $(MAKE) --no-print-directory test-e2e
	@$(STEP) --report

tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown
	@# Not --locked: the CLI's own lock file names a webpki-roots release the registry no longer serves.
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)" \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force
	@cargo install --list | grep -qx 'wasm_split_cli_support v$(WASM_SPLIT_VERSION):' \
	  || cargo install wasm_split_cli_support --version $(WASM_SPLIT_VERSION) --locked --features build-binary

wasm-opt:
	@test -x $(TOOLS)/node_modules/.bin/wasm-opt \
	  || npm install --prefix $(TOOLS) --no-audit --no-fund --no-save binaryen@$(BINARYEN_VERSION)

browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; }

# `npm install`, not `npm ci`: npm 11 writes a lock file that its own `npm ci` then refuses
# (cbor-extract's optional platform packages come out empty). `npm install` follows the lock
# file as it is and leaves it unchanged. It runs again whenever the lock file is newer than
# what node_modules holds.
e2e-deps:
	@cd end2end && { test node_modules/.package-lock.json -nt package-lock.json || npm install --no-audit --no-fund; }

site: tools
	scripts/build-site.sh

site-release: tools wasm-opt compressors
	scripts/build-site.sh --release

# brotli for the release wasm's precompressed .br (gzip is always there); without it the server
# sends the build's .gz to browsers that would take br.
compressors:
	@command -v brotli >/dev/null \
	  || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y brotli; } \
	  || echo "brotli is not installed: the release wasm is precompressed with gzip only"

# Format, lints (per package and feature set: the app is built twice, for the server and for
# the browser) and documentation, all with warnings denied.
lint:
	cargo fmt --all --check
	cd fuzz && cargo fmt --check
	cargo clippy -p shared --all-targets -- -D warnings
	cargo clippy -p server --all-targets -- -D warnings
	cargo clippy -p app --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --document-private-items -p shared -p server
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --document-private-items -p app --target wasm32-unknown-unknown --features hydrate

test-shared:
	cargo test -p shared

# The app's pure parts and its catalogues (every key in both languages), natively.
test-app:
	cargo test -p app --lib --features ssr

# The server's suite runs SIM_SEEDS seeded simulations of the sync path (server/tests/it/simulation.rs).
SIM_SEEDS ?= 200
test-server:
	PMO_SIM_SEEDS=$(SIM_SEEDS) cargo test -p server

# Many seeded simulations from a random first seed: `make simulate SEEDS=10000`, in SIM_JOBS
# processes side by side (each its own server and database, a run of consecutive seeds each).
# Built in release: a debug build spends 1.5 CPU-seconds a seed, mostly in Automerge; a release
# build 0.12, and the rest of a seed's second is its timers and sockets, so ten processes keep
# two cores busy. A failure prints its seed; replay it with
# PMO_SIM_SEED=<seed> cargo test -p server --test it simulation (debug or --release alike).
SEEDS ?= 1000
SIM_JOBS ?= 10
simulate:
	cargo test --release -p server --test it --no-run
	@first=$$((RANDOM * 32768 + RANDOM)); per=$$(( ($(SEEDS) + $(SIM_JOBS) - 1) / $(SIM_JOBS) )); \
	echo "$(SEEDS) seeds from $$first in $(SIM_JOBS) processes"; start=$$(date +%s); pids=""; \
	for job in $$(seq 0 $$(( $(SIM_JOBS) - 1 ))); do \
	  PMO_SIM_FIRST_SEED=$$((first + job * per)) PMO_SIM_SEEDS=$$per PMO_SIM_LANES=1 \
	    cargo test --release -q -p server --test it simulation -- --nocapture > target/simulate-$$job.log 2>&1 & pids="$$pids $$!"; \
	done; status=0; for pid in $$pids; do wait $$pid || status=1; done; \
	grep -h "simulation:\|Replay it" target/simulate-*.log; \
	echo "all $(SEEDS) seeds in $$(( $$(date +%s) - start )) s (logs: target/simulate-*.log)"; exit $$status

# The domain crate's tests compiled to wasm32 and run in Node by wasm-bindgen-test-runner.
test-wasm:
	cargo test -p shared --target wasm32-unknown-unknown --test wasm

server-bin:
	@mkdir -p $(dir $(E2E_SERVER))
	flock $(CARGO_TARGET_DIR)/.build-server.lock sh -c \
	  'cargo test -p server --no-run && cp $(CARGO_TARGET_DIR)/debug/pmo-board $(E2E_SERVER)'

test-e2e: server-bin
	@test -f target/site/pkg/pmo-board.wasm || scripts/build-site.sh
	cd end2end && PMO_BOARD_BIN=$(E2E_SERVER) npx playwright test

# Benchmarks print figures and never fail; `make bench` writes them all to BENCHMARKS.md.
bench: tools wasm-opt compressors browser e2e-deps
	scripts/bench.sh

# Every page of a board in headless Chromium on the large board (release site): each page's time
# to interactive, a remote edit per page, the heat map's scrolling and one cell's edit, the
# selection, time travel and comparison, the review, the XLSX export and a CSV import preview.
# Writes its section of BENCHMARKS.md (end2end/bench/pages.js says how each figure is taken).
bench-ui: tools wasm-opt compressors browser e2e-deps
	scripts/bench-ui.sh

# The sync load benchmark (not in `make test`, which runs a short smoke run of it): a fresh
# release pmo-board and the reference automerge-repo server (Node, bench/reference), one at a
# time, under the same workload; prints one table. Copy the figures into BENCHMARKS.md's
# "Sync load" section. Arguments, e.g.:
#   make bench-sync BENCH_SYNC_ARGS="--boards 10,50 --clients 5 --rates 100,200 --seconds 20"
#   make bench-sync BENCH_SYNC_ARGS="--servers pmo --postgres postgres://postgres@127.0.0.1/bench"
#   make bench-sync BENCH_SYNC_ARGS="--idle-memory 2000"   (RSS before, after, and once idle)
BENCH_SYNC_ARGS ?=
bench-sync: tools
	@cd bench/reference && { test node_modules/.package-lock.json -nt package-lock.json || npm install --no-audit --no-fund; }
	cargo build --release -p server --bin pmo-board
	@# Thousands of sockets on both ends of loopback.
	ulimit -n 65536 2>/dev/null || true; \
	  PMO_BOARD_BIN=$(CARGO_TARGET_DIR)/release/pmo-board cargo bench -p server --bench sync_load -- $(BENCH_SYNC_ARGS)

# Not part of `make test` (which replays the committed corpus): runs every fuzz target
# (FUZZ_TARGETS) for FUZZ_SECONDS each on the nightly toolchain and grows fuzz/corpus. Commit new
# corpus files (minimised: `cargo +nightly fuzz cmin <target>` in fuzz/) and any crasher under
# fuzz/artifacts/ with its fix.
FUZZ_SECONDS ?= 300
FUZZ_TARGETS ?= decode_frame sync_handler sync_sequence
FUZZ_TARGET_DIR ?= $(HOME)/.cache/pmo-board/fuzz-target
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd fuzz && for target in $(FUZZ_TARGETS); do \
	  CARGO_TARGET_DIR=$(FUZZ_TARGET_DIR) cargo +nightly fuzz run $$target corpus/$$target -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done

# Not part of `make test`: the soak benchmark (server/examples/soak.rs) against a `pmo-board`
# process; it prints latency percentiles, errors and the server's memory over time. Size it with
# SOAK_BOARDS, SOAK_SECONDS, SOAK_EDITS_PER_SECOND, SOAK_MADE_UP and SOAK_SLOW; SOAK_PROFILE=release
# measures a release build.
SOAK_PROFILE ?= debug
soak:
	cargo build -p server --bin pmo-board --example soak $(if $(filter release,$(SOAK_PROFILE)),--release,)
	@# 2,500 sockets on each end of loopback.
	ulimit -n 65536 2>/dev/null || true; $(CARGO_TARGET_DIR)/$(SOAK_PROFILE)/examples/soak
