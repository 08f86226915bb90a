#!/usr/bin/env bash
# Usage: FUZZTIME=30s scripts/fuzz.sh
#
# Finds every Fuzz target in the module and runs each one for FUZZTIME (default 30s).
# `go test -fuzz` takes one target in one package at a time, hence the loop.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-30s}

# `go test -list` prints a package's matching names, then an "ok <package>" line.
targets=$(go test -list '^Fuzz' ./... | awk '
	/^Fuzz/ { names[n++] = $1; next }
	/^ok/   { for (i = 0; i < n; i++) print $2, names[i]; n = 0 }
')

if [[ -z $targets ]]; then
	echo "fuzz: no Fuzz targets found"
	exit 0
fi

mapfile -t lines <<<"$targets"
for line in "${lines[@]}"; do
	pkg=${line% *} name=${line#* }
	echo "fuzz: $pkg $name for $fuzztime"
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg"
done
