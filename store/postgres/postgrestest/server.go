package postgrestest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Server is a PostgreSQL server of one test's own, in a temporary
// directory, listening on 127.0.0.1 on a free port, with fsync on: a test
// that stops, crashes or reconfigures its server uses one of these rather
// than the shared database of ARCREDIT_POSTGRES_URL. As root, the server
// runs as the OS user postgres (initdb refuses to run as root).
type Server struct {
	// URL is the address of the server's database "postgres" as the
	// superuser postgres, without a password.
	URL string

	bindir string
	dir    string
	data   string
	port   int
	asUser bool

	mu      sync.Mutex
	running bool
}

// StartServer initialises and starts a private server for t, stopped and
// removed when t ends. Each line of conf is appended to postgresql.conf
// (for example "synchronous_commit = on"). Without the server binaries
// (initdb, pg_ctl, postgres) t is skipped, or fails under CI=true.
func StartServer(t testing.TB, conf ...string) *Server {
	t.Helper()
	bindir, err := findBindir()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	s := &Server{bindir: bindir}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			t.Fatalf("running as root, but there is no OS user postgres to run the server as: %v", err)
		}
		s.asUser = true
	}
	s.dir, err = os.MkdirTemp("", "arcredit-pg-private-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.mu.Lock()
		running := s.running
		s.mu.Unlock()
		if running {
			_ = s.ctl("stop", "-m", "immediate")
		}
		_ = os.RemoveAll(s.dir)
	})
	if s.asUser {
		if out, err := exec.Command("chown", "postgres:", s.dir).CombinedOutput(); err != nil {
			t.Fatalf("chown %s: %v: %s", s.dir, err, out)
		}
	}
	s.data = filepath.Join(s.dir, "data")
	if out, err := s.run("initdb", "-D", s.data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		t.Fatalf("initdb: %v: %s", err, out)
	}
	lines := append([]string{"",
		"# private test server (postgrestest.StartServer)",
		"listen_addresses = '127.0.0.1'",
		"unix_socket_directories = '" + s.dir + "'",
		"fsync = on",
		"synchronous_commit = on",
		"full_page_writes = on",
		"max_connections = 100",
		"shared_buffers = 32MB",
	}, conf...)
	f, err := os.OpenFile(filepath.Join(s.data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString(strings.Join(lines, "\n") + "\n")
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		t.Fatal(err)
	}
	// Another process may take the port between choosing and binding it.
	for attempt := 1; ; attempt++ {
		if s.port, err = freePort(); err != nil {
			t.Fatal(err)
		}
		err = s.Start()
		if err == nil {
			break
		}
		if attempt == 3 {
			t.Fatalf("starting a private PostgreSQL server: %v", err)
		}
	}
	s.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
	return s
}

// Start starts the server after Stop (StartServer starts it the first
// time), waiting until it accepts connections: after a crash, that is
// once recovery has replayed the WAL.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ctl("start", "-l", filepath.Join(s.dir, "postgres.log"), "-o", "-p "+strconv.Itoa(s.port)); err != nil {
		return fmt.Errorf("%w; log:\n%s", err, s.logTail())
	}
	s.running = true
	return nil
}

// Stop stops the server with pg_ctl's mode: "immediate" (a crash: no
// checkpoint, recovery on the next start), "fast" (clients are
// disconnected and a checkpoint is written) or "smart".
func (s *Server) Stop(mode string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ctl("stop", "-m", mode); err != nil {
		return err
	}
	s.running = false
	return nil
}

// Pool returns a pool on the server, closed when t ends; configure, when
// not nil, may change its configuration first.
func (s *Server) Pool(t testing.TB, configure func(*pgxpool.Config)) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if configure != nil {
		configure(cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connecting to the private server: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// ctl runs pg_ctl with args on the server's data directory and waits for
// it to finish (at most a minute).
func (s *Server) ctl(args ...string) error {
	args = append([]string{args[0], "-D", s.data, "-w", "-t", "60"}, args[1:]...)
	if out, err := s.run("pg_ctl", args...); err != nil {
		return fmt.Errorf("pg_ctl %s: %w: %s", args[0], err, strings.TrimSpace(string(out)))
	}
	return nil
}

// run runs one of the server binaries, as the OS user postgres when the
// test runs as root.
func (s *Server) run(name string, args ...string) ([]byte, error) {
	bin := filepath.Join(s.bindir, name)
	cmd := exec.Command(bin, args...)
	if s.asUser {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	}
	cmd.Dir = "/"
	return cmd.CombinedOutput()
}

// logTail returns the end of the server's log, for errors.
func (s *Server) logTail() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// findBindir returns the directory of the server binaries, preferring
// version 15, as scripts/with-postgres.sh does.
func findBindir() (string, error) {
	var candidates []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	candidates = append(candidates, "/usr/lib/postgresql/15/bin")
	others, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.Reverse(others)
	candidates = append(candidates, others...)
	if p, err := exec.LookPath("initdb"); err == nil {
		candidates = append(candidates, filepath.Dir(p))
	}
	for _, dir := range candidates {
		ok := dir != ""
		for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
			if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
				ok = false
			}
		}
		if ok {
			return dir, nil
		}
	}
	return "", errors.New("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; install them (Debian: apt-get install postgresql)")
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
