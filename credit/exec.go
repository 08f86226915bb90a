package credit

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// spec declares one operation of the Ledger: the method that runs it and
// the steps the executor (run) takes, always in this order:
//
//	check → fingerprint → load → authorize → compute → commit
//
// An operation is written once, as a spec; nothing about how it runs is
// written in its method.
type spec[Req, Res any] struct {
	// method is the Ledger method, as errors name it ("Apply").
	method string
	// entry is what a writing operation journals for req. Nil for reads,
	// which take no key, are not fingerprinted and commit nothing.
	entry func(Req) EntryKind
	// check refuses a malformed request (shape, sizes, amounts) before any
	// I/O, and may fill in defaults. It must not depend on stored state.
	check func(l *Ledger, req *Req) error
	// fingerprint writes every field of req that changes the outcome, so
	// that a key reused with another request is told apart.
	fingerprint func(fp *encoder, req Req)
	// load reads what the operation needs with t.load, in as few steps as
	// it can. It never fails on what it finds (or does not find): that is
	// for authorize and compute, after the principal has been checked.
	load func(t *txn, req Req) error
	// authorize resolves every id the caller named (t.seeDoc,
	// t.seeAccount) and asks the Authorizer about every account involved
	// (t.allow). Before it returns, no error names anything the caller did
	// not give.
	authorize func(t *txn, req Req) error
	// compute changes the loaded records in memory and returns the result.
	compute func(t *txn, req Req) (Res, error)
}

// run executes s for req on behalf of p. A writing operation commits what
// compute changed together with the idempotency record of key, and is
// tried again from a fresh load when its reads turn out stale or the store
// reports ErrConflict, up to Options.MaxAttempts times; a key already
// recorded returns the first result. Every error is finished into an
// *Error naming s.method.
func run[Req, Res any](l *Ledger, ctx context.Context, p Principal, key string, req Req, s *spec[Req, Res]) (Res, error) {
	var zero Res
	failed := func(err error) (Res, error) { return zero, finish(s.method, err) }
	if err := checkPrincipal(p); err != nil {
		return failed(err)
	}
	writing := s.entry != nil
	if writing {
		if err := checkID("idempotency key", key, true); err != nil {
			return failed(err)
		}
	}
	if s.check != nil {
		if err := s.check(l, &req); err != nil {
			return failed(err)
		}
	}
	if !writing {
		t := l.newTxn(ctx, p, s.method, "", "")
		r, err := s.attempt(t, req)
		t.free()
		if err != nil {
			return failed(err)
		}
		return r, nil
	}
	op := s.entry(req)
	fp := encodeFingerprint(s.method, func(e *encoder) {
		// The principal is part of it, so that one principal's key is
		// never replayed to another.
		e.str(p.ID)
		if s.fingerprint != nil {
			s.fingerprint(e, req)
		}
	})
	r, err := s.commit(l, ctx, p, key, op, fp, req)
	if err != nil {
		return failed(err)
	}
	return r, nil
}

// attempt runs the load, authorize and compute steps once in t.
func (s *spec[Req, Res]) attempt(t *txn, req Req) (Res, error) {
	var zero Res
	if s.load != nil {
		if err := s.load(t, req); err != nil {
			return zero, err
		}
	}
	if !t.loaded && t.key != "" {
		// The idempotency record is read with the first load.
		if err := t.load(Query{}); err != nil {
			return zero, err
		}
	}
	if s.authorize != nil {
		if err := s.authorize(t, req); err != nil {
			return zero, err
		}
	}
	r, err := s.compute(t, req)
	if err != nil {
		return zero, err
	}
	// Whatever the operation, it changes no account that is closed.
	if err := t.refuseClosed(); err != nil {
		return zero, err
	}
	return r, nil
}

// commit runs a writing operation until it commits, replays, or fails.
func (s *spec[Req, Res]) commit(l *Ledger, ctx context.Context, p Principal, key string, op EntryKind, fp string, req Req) (Res, error) {
	var zero Res
	// The latches of the accounts read, held from before the Commit to
	// the end (see latches).
	var held []string
	var t *txn // the attempt's, freed when the next one starts or on return
	defer func() {
		l.latches.release(held)
		t.free()
	}()
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return zero, err
		}
		t.free()
		t = l.newTxn(ctx, p, s.method, op, key)
		r, err := s.attempt(t, req)
		if errors.Is(err, errReplay) {
			return replay[Res](t.idem, op, fp)
		}
		stale := errors.Is(err, errStale)
		if err != nil && !stale {
			return zero, err
		}
		if !stale {
			// Another operation of this Ledger holding one of the accounts
			// read is about to commit it: what t read is stale, so wait for
			// it and read again rather than lose in the store.
			ready, err := l.latches.hold(ctx, &held, t.ns, t.accounts)
			if err != nil {
				return zero, err
			}
			stale = !ready
		}
		if stale {
			if attempt >= l.attempts {
				return zero, fail(ErrConflict, "the records kept changing while they were read")
			}
			l.log.DebugContext(ctx, "credit: reading again", "method", s.method, "attempt", attempt, "err", err)
			if err := l.latches.wait(ctx, &held, t.ns, t.accounts); err != nil {
				return zero, err
			}
			continue
		}
		if err := t.flushDifferences(""); err != nil {
			return zero, err
		}
		b := t.batch()
		if b.Idempotency, err = t.keyRecord(key, op, fp, r); err != nil {
			return zero, err
		}
		if l.records != nil {
			err = l.records.CommitCopy(ctx, b)
		} else {
			err = l.store.Commit(ctx, b)
		}
		if err == nil {
			l.latches.committed(held, t.ns, b.Accounts)
			return r, nil
		}
		if !errors.Is(err, ErrConflict) || attempt >= l.attempts {
			return zero, err
		}
		// The winner was another process, or an operation on an account
		// this one had not read: back off.
		l.log.DebugContext(ctx, "credit: retrying after conflict", "method", s.method, "attempt", attempt, "err", err)
		if err := sleep(ctx, attempt); err != nil {
			return zero, err
		}
	}
}

// errReplay stops an operation whose idempotency key is already recorded.
var errReplay = errors.New("replay")

// errStale marks a document change refused because the records came from
// more than one Load and disagree: a concurrent operation changed some
// between the reads (an application read as active whose debit was already
// given its amount back), or another operation of this Ledger is about to
// commit an account read. The operation is tried again from fresh reads, as
// on ErrConflict; its checks run before any change, so a refused change
// never comes from the caller's input.
var errStale = errors.New("credit: records changed between the reads of one operation")

// replay returns the result recorded for a key, if it was recorded for
// this very request.
func replay[R any](rec *Idempotency, op EntryKind, fp string) (R, error) {
	var r R
	if rec.Kind != op || rec.Fingerprint != fp {
		return r, fail(ErrIdempotencyConflict, "key %q was used for another request", rec.Key)
	}
	if err := decodeResult(rec.Result, &r); err != nil {
		return r, err
	}
	return r, nil
}

// sleep backs off with jitter: up to 1ms, 2ms, 4ms … capped at 50ms.
func sleep(ctx context.Context, attempt int) error {
	d := min(time.Millisecond<<min(attempt-1, 6), 50*time.Millisecond)
	d = d/2 + rand.N(d/2+1)
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// finish makes err the *Error a Ledger method returns: named for method,
// about the document or account the cause concerns, with a cause that
// wraps exactly one sentinel.
func finish(method string, err error) error {
	e := &Error{Op: method}
	var sub *subject
	if errors.As(err, &sub) {
		e.Document, e.Account = sub.document, sub.account
		err = sub.err
	}
	var inner *Error
	if errors.As(err, &inner) {
		// An error finished by a nested call (a Ledger method used inside
		// another): keep its subject and cause, under this method's name.
		if e.Document == "" && e.Account == "" {
			e.Document, e.Account = inner.Document, inner.Account
		}
		err = inner.Err
	}
	e.Err = classify(err)
	return e
}

// subject names the document or account an error concerns; finish moves
// it into the *Error.
type subject struct {
	document, account string
	err               error
}

func (s *subject) Error() string { return s.err.Error() }
func (s *subject) Unwrap() error { return s.err }

// docErr is err about document id.
func docErr(id string, err error) error { return &subject{document: id, err: err} }

// acctErr is err about account id.
func acctErr(id string, err error) error { return &subject{account: id, err: err} }
