package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/arcredit/arcredit/credit"
)

// notSent wraps the error of a call that failed before any of its
// statements ran: it never obtained a connection, or could not prepare
// them.
type notSent struct{ err error }

func (e *notSent) Error() string { return e.err.Error() }
func (e *notSent) Unwrap() error { return e.err }

// classify returns err wrapped in the one credit sentinel of its class
// (see the package documentation, Faults), for an error of a call that
// wrote nothing or whose writes were rolled back. An error that wraps a
// sentinel already is returned as it is; nil stays nil.
//
//   - a permanent fault of the database (a SQLSTATE other than those
//     below: 42501 permission denied, 25006 read-only transaction, 53100
//     disk full, 42P01 a missing table, 28P01 bad password …), or an error
//     that is neither the database's nor the connection's (a stored value
//     that does not decode): credit.ErrStoreFailure;
//   - ctx ended: credit.ErrCanceled, also matching ctx.Err();
//   - a serialization failure or deadlock (40001, 40P01):
//     credit.ErrConflict;
//   - the server unreachable, restarting, shutting down or out of
//     connections, the connection lost (class 08, 57P01-57P05, 53300,
//     55P03, 57014 without ctx ending, 25P03, no route, refused, reset,
//     EOF): credit.ErrUnavailable.
func classify(ctx context.Context, err error) error {
	if err == nil || credit.Code(err) != "" {
		return err
	}
	code := sqlState(err)
	switch {
	case code != "" && !unavailableCode(code) && code != codeSerialization && code != codeDeadlock:
		return fmt.Errorf("%w: %w", credit.ErrStoreFailure, err)
	case ctx.Err() != nil:
		return canceled(ctx, err)
	case code == codeSerialization || code == codeDeadlock:
		return fmt.Errorf("%w: %w", credit.ErrConflict, err)
	case code != "" || connectionFault(err):
		return fmt.Errorf("%w: %w", credit.ErrUnavailable, err)
	}
	return fmt.Errorf("%w: %w", credit.ErrStoreFailure, err)
}

// canceled wraps err, the failure of a call whose context ended, in
// credit.ErrCanceled, so that it matches ctx.Err() too.
func canceled(ctx context.Context, err error) error {
	cerr := ctx.Err()
	if cerr == nil || errors.Is(err, cerr) {
		return fmt.Errorf("%w: %w", credit.ErrCanceled, err)
	}
	return fmt.Errorf("%w: %w: %w", credit.ErrCanceled, cerr, err)
}

// unavailableCode reports whether a SQLSTATE says the server could not do
// the work now but may later: the connection failed (class 08), the
// server is shutting down, restarting or starting up (57P01–57P05), too
// many connections (53300), a lock or statement timeout (55P03, 57014),
// an idle session ended (25P03), or a statement whose completion is
// unknown (40003).
func unavailableCode(code string) bool {
	switch {
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "57P"):
		return true
	}
	switch code {
	case codeTooManyConnections, codeLockNotAvailable, codeQueryCanceled, codeIdleInTransaction, codeCompletionUnknown:
		return true
	}
	return false
}

// connectionFault reports whether err, which carries no SQLSTATE, is the
// failure of a connection: it could not be made (refused, no route, a
// timeout), or it broke (reset, closed, EOF).
func connectionFault(err error) bool {
	var (
		ce    *pgconn.ConnectError
		ne    net.Error
		retry interface{ SafeToRetry() bool }
	)
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.As(err, &retry) || pgconn.Timeout(err) {
		return true
	}
	for _, target := range []error{io.EOF, io.ErrUnexpectedEOF, net.ErrClosed, pgconn.ErrConnClosed,
		syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE, syscall.ECONNABORTED} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}
