# Targets for developers and CI. `make test` is what CI runs (.ci/run).

FUZZTIME ?= 30s

.PHONY: test test-short bench fuzz tour

# Formatting, vet, then every test, against a throwaway PostgreSQL.
test:
	@unformatted=$$(gofmt -l .); \
	if [ -n "$$unformatted" ]; then echo "gofmt -l: these files need formatting:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	scripts/with-postgres.sh go test -race -count=1 -timeout 40m ./...

# Quick run without PostgreSQL: the tests that need it skip.
test-short:
	go test -race ./...

bench:
	scripts/with-postgres.sh go test -run '^$$' -bench . -benchmem ./...

# Runs every Fuzz target for FUZZTIME each (make fuzz FUZZTIME=5m).
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

tour:
	go run ./examples/tour
