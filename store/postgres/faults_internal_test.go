package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/arcredit/arcredit/credit"
)

// TestClassify maps each kind of fault to its class, including those a
// test cannot easily provoke on a live server (disk full, a crash).
func TestClassify(t *testing.T) {
	pg := func(code, severity string) error {
		return fmt.Errorf("postgres: x: %w", &pgconn.PgError{Code: code, Severity: severity, Message: "m"})
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	live := context.Background()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, c := range []struct {
		ctx  context.Context
		err  error
		want error
	}{
		{live, pg("42501", "ERROR"), credit.ErrStoreFailure}, // permission denied
		{live, pg("25006", "ERROR"), credit.ErrStoreFailure}, // read-only transaction
		{live, pg("53100", "ERROR"), credit.ErrStoreFailure}, // disk full
		{live, pg("42P01", "ERROR"), credit.ErrStoreFailure}, // not migrated
		{live, pg("28P01", "FATAL"), credit.ErrStoreFailure}, // bad password
		{live, pg("XX001", "ERROR"), credit.ErrStoreFailure}, // data corrupted
		{done, pg("42501", "ERROR"), credit.ErrStoreFailure}, // permanent, whatever ctx
		{live, pg("57P01", "FATAL"), credit.ErrUnavailable},  // admin shutdown
		{live, pg("57P02", "FATAL"), credit.ErrUnavailable},  // crash shutdown
		{live, pg("57P03", "FATAL"), credit.ErrUnavailable},  // starting up
		{live, pg("08006", "FATAL"), credit.ErrUnavailable},  // connection failure
		{live, pg("53300", "FATAL"), credit.ErrUnavailable},  // too many connections
		{live, pg("57014", "ERROR"), credit.ErrUnavailable},  // statement_timeout
		{done, pg("57014", "ERROR"), credit.ErrCanceled},     // our cancel request
		{live, pg("40001", "ERROR"), credit.ErrConflict},     // serialization
		{live, pg("40P01", "ERROR"), credit.ErrConflict},     // deadlock
		{live, refused, credit.ErrUnavailable},               // nothing listens
		{live, io.ErrUnexpectedEOF, credit.ErrUnavailable},   // connection lost
		{live, pgconn.ErrConnClosed, credit.ErrUnavailable},  // closed under us
		{done, context.Canceled, credit.ErrCanceled},         // ctx ended
		{done, refused, credit.ErrCanceled},                  // ctx ended first
		{live, errors.New("bad stored value"), credit.ErrStoreFailure},
		{live, fmt.Errorf("%w: x", credit.ErrConflict), credit.ErrConflict}, // kept
	} {
		got := classify(c.ctx, c.err)
		n := 0
		for _, s := range []error{credit.ErrStoreFailure, credit.ErrUnavailable, credit.ErrCanceled,
			credit.ErrConflict, credit.ErrCommitUnknown} {
			if errors.Is(got, s) {
				n++
			}
		}
		if !errors.Is(got, c.want) || n != 1 || !errors.Is(got, c.err) {
			t.Errorf("classify(%v) = %v, want %v only, wrapping the cause", c.err, got, c.want)
		}
		if errors.Is(got, credit.ErrCanceled) && !errors.Is(got, context.Canceled) {
			t.Errorf("classify(%v) = %v does not match context.Canceled", c.err, got)
		}
	}
	if classify(live, nil) != nil {
		t.Error("classify(nil) is not nil")
	}
}
