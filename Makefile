# Targets for developers and CI. `make test` is what CI runs (.ci/run).

FUZZTIME ?= 30s

.PHONY: test test-all test-allocs test-faults test-short bench bench-go bench-pg bench-pg-parts bench-scale fuzz tour

# go.mod and go.sum tidy, formatting, vet, staticcheck (a tool dependency in
# go.mod), then every test, against a throwaway PostgreSQL.
test:
	go mod tidy -diff
	@unformatted=$$(gofmt -l .); \
	if [ -n "$$unformatted" ]; then echo "gofmt -l: these files need formatting:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go tool staticcheck ./...
	$(MAKE) test-allocs
	$(MAKE) -j2 --output-sync=target test-all test-faults

# The allocation bounds, which hold only without the race detector (it
# allocates, and empties sync.Pools at random): a few seconds.
test-allocs:
	go test -count=1 -run 'Allocations' ./...

# Every test under the race detector, against a throwaway PostgreSQL. make test
# runs it beside test-faults: the crash test mostly waits for its own server to
# stop and start, so the two share the machine well.
test-all:
	scripts/with-postgres.sh go test -race -count=1 -timeout 40m ./...

# The tests that crash, stop and restart a PostgreSQL server of their own (fsync on) under
# concurrent writers, and terminate a backend during COMMIT: about a minute. They need the
# server binaries, not a database (ARCREDIT_FAULTS turns them on).
test-faults:
	ARCREDIT_FAULTS=1 go test -race -count=1 -timeout 10m -run 'TestCrashRestart|TestWrittenCommitThenTerminated' -v ./store/postgres

# Quick run without PostgreSQL: the tests that need it skip.
test-short:
	go test -race ./...

# Every Go benchmark, then the PostgreSQL store against pgbench (README: Benchmarks).
bench: bench-go bench-pg

bench-go:
	scripts/with-postgres.sh go test -run '^$$' -bench . -benchmem ./...

# pgbench tpcb-like and the Ledger's Apply at 1, 4 and 8 clients on one throwaway server.
bench-pg:
	scripts/with-postgres.sh scripts/bench.sh

# The parts of a uniform Apply measured apart beside the transfer and the
# Apply itself, and a Consolidate beside its rows written in plain SQL (README:
# How far the goals are from what this design can reach).
bench-pg-parts:
	scripts/with-postgres.sh scripts/bench.sh -clients 1,8 -duration 6s -scenarios transfer,uniform,load,floor,checked,store,consolidate,consolidate-load,consolidate-floor

# The stores' reads and the Ledger's operations with a small and a large
# account, a small and a large namespace, one Apply and one Commit of 1k to 100k
# lines, and Consolidate of 10 and 1,000 accounts: medians and their ratios
# (README: Cost at scale). About ten minutes.
bench-scale:
	scripts/with-postgres.sh go run ./internal/scalebench

# Runs every Fuzz target for FUZZTIME each (make fuzz FUZZTIME=5m).
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

tour:
	go run ./examples/tour
