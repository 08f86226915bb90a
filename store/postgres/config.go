package postgres

import (
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Grace periods of a call whose context ends while the server works on
// it, under Config.
const (
	// CancelDelay is how long a query may go on after its context ended
	// before the server is asked to cancel it: most statements of the
	// store finish within it, and their result is used.
	CancelDelay = 10 * time.Millisecond
	// CloseDelay is how long after the context ended the connection is
	// closed if the server has still not answered (it is unreachable).
	CloseDelay = 2 * time.Second
)

// Config parses connString (a URL or keyword/value string, as
// pgxpool.ParseConfig takes) into a pool configuration with the settings
// this store recommends; see Tune.
func Config(connString string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, err
	}
	Tune(cfg)
	return cfg, nil
}

// Tune sets what the store recommends on a pool configuration cfg: when
// the context of a call ends while its query runs, the query is given
// CancelDelay to finish, then the server is sent a cancel request, and the
// connection is closed only if the server has not answered within
// CloseDelay. pgx's default closes the connection at once, so that every
// deadline that ends a call mid-query costs a new connection (a TCP and
// authentication handshake, and the store's statements prepared again)
// and, for a Commit already sent, an unknown outcome. The price is that a
// call may return up to CancelDelay (rarely, when the server is slow to
// answer a cancel request, up to CloseDelay) after its context ended, and
// that a connection whose query was cancelled stays busy for about 100 ms
// more (pgx waits so that the cancel request cannot reach the next query).
func Tune(cfg *pgxpool.Config) {
	cfg.ConnConfig.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, CancelRequestDelay: CancelDelay, DeadlineDelay: CloseDelay}
	}
}
