#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh scripts/bench.sh [BENCHDRIVER FLAGS...]
#
# Compares the Ledger on the PostgreSQL store with pgbench's tpcb-like transaction on the
# same server, in the same run: pgbench -i -s 10, then for N = 1, 4 and 8 clients
# pgbench -M prepared -c N -j N -T 10 followed by a SERIALIZABLE transfer in Go over pgx
# (calibration) and arcredit's Apply at N clients for 10 s each (uniform over 10,000
# accounts, and a hot set), and at 8 clients the hot set with a Ledger per client (as 8
# processes) and Consolidate. Prints one
# table (see store/postgres/internal/benchdriver). Flags are passed to the driver, e.g.
# -clients 8 -duration 20s.
#
# Needs ARCREDIT_POSTGRES_URL (scripts/with-postgres.sh sets it) and pgbench: $PGBENCH, else
# PostgreSQL 15's, else the one on PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z ${ARCREDIT_POSTGRES_URL:-} ]]; then
	echo "bench: ARCREDIT_POSTGRES_URL is not set; run: scripts/with-postgres.sh $0" >&2
	exit 1
fi
pgbench=${PGBENCH:-}
if [[ -z $pgbench ]]; then
	for p in /usr/lib/postgresql/15/bin/pgbench "$(command -v pgbench 2>/dev/null || true)"; do
		if [[ -n $p && -x $p ]]; then
			pgbench=$p
			break
		fi
	done
fi
if [[ -z $pgbench ]]; then
	echo "bench: pgbench not found; set PGBENCH (Debian: apt-get install postgresql-contrib or postgresql)" >&2
	exit 1
fi

echo "bench: $(date -u +%Y-%m-%d), $(nproc) cores, $("$pgbench" --version)" >&2
go build -o "${TMPDIR:-/tmp}/arcredit-benchdriver" ./store/postgres/internal/benchdriver
exec "${TMPDIR:-/tmp}/arcredit-benchdriver" -pgbench "$pgbench" "$@"
