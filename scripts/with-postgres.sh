#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD [ARGS...]
#
# Runs CMD with ARCREDIT_POSTGRES_URL pointing at a throwaway PostgreSQL server that lives in
# a temporary directory, listens only on 127.0.0.1 on a free port, and is tuned for tests
# (no fsync). The server is stopped and its directory removed when CMD ends, fails, or the
# script is interrupted. The exit status is CMD's.
#
# If ARCREDIT_POSTGRES_URL is already set, no server is started and CMD runs against it.
# As root, the server runs as the `postgres` OS user (initdb refuses to run as root), and the
# Debian `postgresql` package is installed if no server binaries are found.
set -euo pipefail

me=with-postgres

if [[ $# -eq 0 ]]; then
	echo "usage: $0 CMD [ARGS...]" >&2
	exit 2
fi

if [[ -n ${ARCREDIT_POSTGRES_URL:-} ]]; then
	exec "$@"
fi

# find_bindir prints the directory of the PostgreSQL server binaries, preferring version 15.
find_bindir() {
	local dir candidates=()
	if command -v pg_config >/dev/null 2>&1; then
		candidates+=("$(pg_config --bindir 2>/dev/null || true)")
	fi
	candidates+=(/usr/lib/postgresql/15/bin)
	# Any other installed version, newest first.
	while IFS= read -r dir; do
		candidates+=("$dir")
	done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV)
	if command -v initdb >/dev/null 2>&1; then
		candidates+=("$(dirname "$(readlink -f "$(command -v initdb)")")")
	fi
	for dir in "${candidates[@]}"; do
		if [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl && -x $dir/postgres ]]; then
			echo "$dir"
			return 0
		fi
	done
	return 1
}

if ! bindir=$(find_bindir); then
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
		echo "$me: PostgreSQL server not found; installing the Debian postgresql package" >&2
		apt-get update >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
		bindir=$(find_bindir) || {
			echo "$me: postgresql installed, but initdb/pg_ctl/postgres are still not found" >&2
			exit 1
		}
	else
		echo "$me: PostgreSQL server binaries (initdb, pg_ctl, postgres) not found." >&2
		echo "$me: install them (Debian/Ubuntu: sudo apt-get install postgresql)," >&2
		echo "$me: or set ARCREDIT_POSTGRES_URL to an existing database." >&2
		exit 1
	fi
fi

# as_server runs a server binary as the user that owns the data directory.
if [[ $(id -u) -eq 0 ]]; then
	if ! id postgres >/dev/null 2>&1; then
		echo "$me: running as root, but there is no 'postgres' OS user to run the server as" >&2
		exit 1
	fi
	as_server() { (cd / && runuser -u postgres -- "$@"); }
	tmp=$(mktemp -d /tmp/arcredit-pg.XXXXXX)
	chown postgres: "$tmp"
else
	as_server() { "$@"; }
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/arcredit-pg.XXXXXX")
fi

data=$tmp/data
log=$tmp/postgres.log
port=
started=
child=
signal=

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	# Something still runs in CMD's process group (we were interrupted, or CMD left children
	# behind): pass the signal on and give it 10 s to finish before the server goes away.
	if [[ -n $child ]] && kill -0 -- "-$child" 2>/dev/null; then
		kill -s "${signal:-TERM}" -- "-$child" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 -- "-$child" 2>/dev/null || break
			sleep 0.2
		done
		kill -s KILL -- "-$child" 2>/dev/null || true
	fi
	if [[ -n $started ]]; then
		as_server "$bindir/pg_ctl" stop -D "$data" -m immediate -w -t 30 >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
	if [[ -n $started ]]; then
		echo "$me: PostgreSQL on 127.0.0.1:$port stopped, $tmp removed" >&2
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'signal=INT; exit 130' INT
trap 'signal=TERM; exit 143' TERM

free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
	else
		echo $((20000 + RANDOM % 40000))
	fi
}

if ! as_server "$bindir/initdb" -D "$data" -A trust -U postgres --no-sync -E UTF8 --locale=C >"$tmp/initdb.log" 2>&1; then
	echo "$me: initdb failed:" >&2
	cat "$tmp/initdb.log" >&2
	exit 1
fi

cat >>"$data/postgresql.conf" <<EOF

# throwaway test server (scripts/with-postgres.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 256MB
EOF

# Another process may take the port between choosing it and binding it: try a few.
for attempt in 1 2 3 4 5; do
	port=$(free_port)
	if as_server "$bindir/pg_ctl" start -D "$data" -l "$log" -o "-p $port" -w -t 30 >/dev/null 2>&1; then
		started=1
		break
	fi
	# A server that did start but was not ready in time still has to be stopped.
	if [[ -f $data/postmaster.pid ]]; then
		started=1
		echo "$me: PostgreSQL did not become ready within 30 s:" >&2
		tail -n 20 "$log" >&2 || true
		exit 1
	fi
	if ! grep -q 'could not bind\|could not create any TCP/IP sockets' "$log" 2>/dev/null || [[ $attempt -eq 5 ]]; then
		echo "$me: PostgreSQL failed to start:" >&2
		tail -n 20 "$log" >&2 || true
		exit 1
	fi
done

ready=
for _ in $(seq 150); do
	if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; then
		ready=1
		break
	fi
	sleep 0.2
done
if [[ -z $ready ]]; then
	echo "$me: PostgreSQL on 127.0.0.1:$port is not ready after 30 s:" >&2
	tail -n 20 "$log" >&2 || true
	exit 1
fi

"$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres arcredit

export ARCREDIT_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/arcredit?sslmode=disable"
echo "$me: $("$bindir/postgres" --version) at $ARCREDIT_POSTGRES_URL (data in $tmp)" >&2

status=0
if [[ -t 0 ]]; then
	# Interactive: CMD stays in the terminal's foreground process group, so it can read the
	# terminal and Ctrl-C reaches it directly; cleanup runs once it has exited.
	"$@" || status=$?
else
	# Otherwise run CMD in a process group of its own and wait for it, so that a signal
	# sent to this script is handled at once and passed on to CMD and all its children.
	set -m
	"$@" &
	child=$!
	set +m
	wait "$child" || status=$?
fi
exit "$status"
