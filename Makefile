# Two commands for people: `make run` and `make test`. Each installs what it
# needs first (skipping what is already there), so both work on a fresh
# Debian machine with the Rust toolchain, Node.js and npm.

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

CARGO_LEPTOS_VERSION := 0.3.6
# The wasm-bindgen CLI must equal the wasm-bindgen library in Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
E2E_BIN := $(CURDIR)/end2end/node_modules/.bin
# npm's binaryen (wasm-opt) first: Debian's breaks hydration (see TOOLCHAIN facts).
export PATH := $(E2E_BIN):$(HOME)/.cargo/bin:$(PATH)
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run run-roaming test tools rust-tools node-tools chromium postgres build-release build-e2e test-rust test-e2e lint bench

## Build and start the platform on SQLite with the demo data at http://127.0.0.1:3000
run: tools build-release
	mkdir -p data
	PLATFORM_ENV=development DATABASE_URL=$${DATABASE_URL:-sqlite://data/platform.db} DEMO_DATA=1 \
	LEPTOS_SITE_ROOT=target/site PLATFORM_ADDR=$${PLATFORM_ADDR:-127.0.0.1:3000} \
	./target/release/server

## The two-platform demo: 冀 on http://127.0.0.1:3000 and 京 on http://127.0.0.1:3001,
## each on the other's trust list, in target/roaming-demo/ (scripts/run-roaming.sh).
run-roaming: tools build-release
	scripts/run-roaming.sh

## Every test: Rust unit + integration (SQLite and PostgreSQL), then Playwright.
test: tools chromium postgres lint test-rust build-e2e test-e2e

tools: rust-tools node-tools

rust-tools:
	rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	if ! cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)"; then
	  cargo install cargo-leptos@$(CARGO_LEPTOS_VERSION) --locked
	fi
	if ! wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)"; then
	  cargo install wasm-bindgen-cli@$(WASM_BINDGEN_VERSION)
	fi

node-tools:
	if [ ! -x "$(E2E_BIN)/playwright" ] || [ ! -x "$(E2E_BIN)/wasm-opt" ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
	  (cd end2end && npm ci --no-audit --no-fund)
	fi
	# Swagger UI's files for the open API's documentation page (/open/docs);
	# no install scripts (the package's only one reports usage over the network).
	if [ ! -f api-docs/node_modules/swagger-ui-dist/swagger-ui-bundle.js ] || [ api-docs/package-lock.json -nt api-docs/node_modules/.package-lock.json ]; then
	  (cd api-docs && npm ci --no-audit --no-fund --ignore-scripts)
	fi

chromium:
	if ! command -v chromium >/dev/null; then
	  if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y chromium; else sudo apt-get update && sudo apt-get install -y chromium; fi
	fi

## Start the local PostgreSQL server when it is not running.
postgres:
	if ! pg_isready -q -h 127.0.0.1 -p 5432; then
	  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
	    pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start
	  else
	    apt-get update && apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start
	  fi
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	fi
	pg_isready -h 127.0.0.1 -p 5432

build-release:
	cargo leptos build --release --precompress

# The browser tests' build: the site (WASM, JS, CSS) optimised exactly as
# for production, and the server in the test profile, which reuses every
# dependency test-rust compiled (a release server would compile them all
# again). LEPTOS_OUTPUT_NAME as cargo-leptos sets it, here and in test-rust,
# so the leptos crates built for the tests serve this binary too.
build-e2e:
	cargo leptos build --release --frontend-only --precompress
	CARGO_INCREMENTAL=0 LEPTOS_OUTPUT_NAME=platform cargo build -p server --bin server

## Rust tests; integration tests run every case on SQLite and on PostgreSQL.
# No incremental build state here: a from-scratch run (CI) gains nothing from
# it, and it doubles what the test build writes to disk.
test-rust:
	df -h . | awk 'NR==2 {print "free disk space before the Rust tests: " $$4}'
	CARGO_INCREMENTAL=0 LEPTOS_OUTPUT_NAME=platform TEST_POSTGRES_URL=$(PG_URL) REQUIRE_POSTGRES=1 cargo test --workspace --all-targets

test-e2e:
	cd end2end && npx playwright test

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings

# LEPTOS_OUTPUT_NAME as cargo-leptos sets it, so the release server that
# cargo bench rebuilds still preloads the right WASM file.
bench: build-release postgres
	LEPTOS_OUTPUT_NAME=platform cargo bench -p server --bench rush
	LEPTOS_OUTPUT_NAME=platform BENCH_DATABASE=postgres TEST_POSTGRES_URL=$(PG_URL) cargo bench -p server --bench rush
