package credit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// This file holds the encoding of what the Ledger stores about an operation
// besides its effects: the result it returned (Idempotency.Result), so that
// a replay of the key returns it again, and the fingerprint of its request
// (Idempotency.Fingerprint), so that the same key with another request is
// told apart.
//
// Both are written field by field, without reflection, for two reasons.
// First, a stored result outlives the code that wrote it: were it the JSON
// of the public result types, renaming a field or changing a tag would
// silently change what old records decode to. Here the storage format is
// this file, and a change to it is a visible change with a version.
// Second, it is cheaper: no reflection, few allocations.
//
// The format of a stored result, version 2:
//
//	result   = version(1) tag payload
//	tag      = one byte naming the result type (the resultTag constants)
//	payload  = the type's fields in declaration order, each as below
//	int      = signed varint (zig-zag, encoding/binary)
//	count    = unsigned varint
//	bool     = one byte, 0 or 1
//	string   = count (its length in bytes), then the bytes
//	money    = string: the canonical text "USD 12.34" (money.Money.AppendText),
//	           "" for the zero Money, so that it is distinct from "USD 0.00"
//	currency = string: the ISO code, "" for the zero Currency
//	time     = 0 for the zero time, or 1, int (Unix seconds), count (nanoseconds)
//	list     = 0 for a nil slice, or count+1, then the elements
//	labels   = count, then each key and its value as strings, in key order
//
// Version 2 added a document's Labels, after its Version, and an account's
// Hold and Closed, after its Version. Version 1 is the same layout without
// them; decodeResult still reads it, each document with no labels and each
// account neither held nor closed.
//
// Version 2 adds, at the end of every document, its Rate, Functional and
// FunctionalOpen (rate, money, money), and at the end of every application
// its DebitValue and Difference (money, money): the figures of documents in
// a foreign currency. Version 1, without them, is still read; its documents
// and applications are in their account's currency.
//
// Version 0 is the format before, the encoding/json of the result type;
// decodeResult still reads it, so that results stored before version 1
// replay as they did. Every JSON value starts with a byte that is not 1.
//
// Adding a field: a field added to a result type is written at the end of
// that type's layout, and read only if bytes are left, so that results
// stored before it decode with the field's zero value (ApplyResult.Reason
// is one). A change that cannot be made so (a field inside a document or
// an application, a field removed or changed) needs a new version byte,
// with the old layout still read.
//
// The location of a time is not kept: a time decodes in UTC, the instant
// exactly as it was (the stores keep UTC anyway).

// resultFormat is the first byte of every result encodeResult writes;
// formatV1 is the previous one (before document labels, account holds and
// foreign documents), still read.
const (
	resultFormat = 2
	formatV1     = 1
)

// resultTag names the type of an encoded result. The values are stored:
// never renumber or reuse one.
type resultTag byte

const (
	tagAccount     resultTag = 1
	tagDebit       resultTag = 2
	tagCredit      resultTag = 3
	tagApply       resultTag = 4
	tagUnapply     resultTag = 5
	tagAdjust      resultTag = 6
	tagDocument    resultTag = 7
	tagReverse     resultTag = 8
	tagTransfer    resultTag = 9
	tagConsolidate resultTag = 10
	tagExpire      resultTag = 11
	tagRefund      resultTag = 12 // Refund stored a bare document (tagDocument) before
	// 13 to 15 are taken by other result types.
	tagWriteOff       resultTag = 16 // WriteOff and ReverseWriteOff
	tagChargeBack     resultTag = 17
	tagUndoChargeBack resultTag = 18
)

// Tag of the result of journalling a revaluation (RecordUnrealized).
const tagRevaluation resultTag = 13

// Tags of the results of moving balances, holds and closing accounts.
const (
	tagMoveBalance resultTag = 20
)

// encodeResult encodes r, one of the result types the Ledger stores, in the
// current format (version 2). Any other type is an error: a new operation's
// result type must be added here, with a new tag, before it can be stored.
func encodeResult(r any) ([]byte, error) {
	return appendResult(make([]byte, 0, 512), r)
}

// appendResult is encodeResult appending to buf.
func appendResult(buf []byte, r any) ([]byte, error) {
	e := encoder{buf: buf}
	e.buf = append(e.buf, resultFormat)
	switch v := r.(type) {
	case Account:
		e.tag(tagAccount)
		e.account(&v)
	case DebitResult:
		e.tag(tagDebit)
		e.document(&v.Document)
		e.applications(v.Applications)
		e.balances(&v.Balances)
	case CreditResult:
		e.tag(tagCredit)
		e.document(&v.Document)
		e.applications(v.Applications)
		e.balances(&v.Balances)
	case ApplyResult:
		e.tag(tagApply)
		e.str(v.Operation)
		e.plan(&v.Plan)
		e.money(v.Available)
		e.applications(v.Applications)
		e.pairs(v.Unchanged)
		e.str(v.Reason)             // added after the first records; see "Adding a field"
		e.applications(v.WriteOffs) // added later still
	case UnapplyResult:
		e.tag(tagUnapply)
		e.str(v.Operation)
		e.applications(v.Reversals)
		e.applications(v.Applications)
	case AdjustResult:
		e.tag(tagAdjust)
		e.document(&v.Document)
		e.applications(v.Reversals)
		e.applications(v.Applications)
		e.money(v.Removed)
	case invoice.Document:
		e.tag(tagDocument)
		e.document(&v)
	case RefundResult:
		e.tag(tagRefund)
		e.document(&v.Document)
		e.balances(&v.Balances)
		if v.Reversals != nil || v.Applications != nil {
			// Added after the first records, and written only when set, so
			// that a refund without them encodes as it always did.
			e.applications(v.Reversals)
			e.applications(v.Applications)
		}
	case WriteOffResult:
		e.tag(tagWriteOff)
		e.document(&v.Debit)
		e.document(&v.WriteOff)
		e.applications(v.Applications)
		e.balances(&v.Balances)
	case ChargeBackResult:
		e.tag(tagChargeBack)
		e.document(&v.Payment)
		e.document(&v.ChargeBack)
		e.applications(v.Reversals)
		e.applications(v.Applications)
		e.balances(&v.Balances)
	case UndoChargeBackResult:
		e.tag(tagUndoChargeBack)
		e.document(&v.Payment)
		e.document(&v.ChargeBack)
		e.applications(v.Applications)
		e.balances(&v.Balances)
	case ReverseResult:
		e.tag(tagReverse)
		e.document(&v.Document)
		e.applications(v.Reversals)
		e.money(v.Removed)
	case TransferResult:
		e.tag(tagTransfer)
		e.document(&v.From)
		e.document(&v.To)
	case ConsolidateResult:
		e.tag(tagConsolidate)
		e.str(v.Operation)
		e.accountResults(v.Accounts)
	case ExpireResult:
		e.tag(tagExpire)
		e.documents(v.Documents)
		e.money(v.Removed)
	case Revaluation:
		e.tag(tagRevaluation)
		e.revaluation(&v)
	case MoveBalanceResult:
		e.tag(tagMoveBalance)
		e.documents(v.From)
		e.documents(v.To)
		e.money(v.Moved)
	default:
		return nil, fmt.Errorf("no stored encoding for a result of type %T", r)
	}
	return e.buf, nil
}

// decodeResult decodes b, written by encodeResult (version 2 or 1) or as JSON by
// the previous version (0), into out, a pointer to one of the result types
// encodeResult takes. Bytes that are truncated, malformed, of another
// result type or of an unknown version are an error wrapping
// ErrStoreFailure (the store returned what no Ledger wrote), never a panic;
// out is then left as it was. An out of any other type is an error.
func decodeResult(b []byte, out any) error {
	want, ok := tagOf(out)
	if !ok {
		return fmt.Errorf("no stored encoding for a result of type %T", out)
	}
	if len(b) == 0 {
		return errStoredResult("empty")
	}
	if b[0] != resultFormat && b[0] != formatV1 {
		if !startsJSON(b[0]) {
			return errStoredResult(fmt.Sprintf("unknown format version %d", b[0]))
		}
		// Version 0: decode into a fresh value first, so that a failure
		// leaves out as it was.
		return decodeJSON(b, out)
	}
	d := decoder{b: b, s: string(b), off: 1, version: b[0]}
	got := resultTag(d.byte())
	if p, ok := out.(*RefundResult); ok && d.err == nil && got == tagDocument {
		// A refund recorded when Refund returned the bare document.
		var v invoice.Document
		d.document(&v)
		return d.finish(func() { *p = RefundResult{Document: v} })
	}
	if d.err == nil && got != want {
		return errStoredResult(fmt.Sprintf("holds a result of tag %d, not %T", got, out))
	}
	return decodeFields(&d, out)
}

// decodeFields reads the fields of a version 1 or 2 result of out's type, after
// its tag, into out.
func decodeFields(d *decoder, out any) error {
	switch p := out.(type) {
	case *Account:
		var v Account
		d.account(&v)
		return d.finish(func() { *p = v })
	case *DebitResult:
		var v DebitResult
		d.document(&v.Document)
		v.Applications = d.applications()
		d.balances(&v.Balances)
		return d.finish(func() { *p = v })
	case *CreditResult:
		var v CreditResult
		d.document(&v.Document)
		v.Applications = d.applications()
		d.balances(&v.Balances)
		return d.finish(func() { *p = v })
	case *ApplyResult:
		var v ApplyResult
		v.Operation = d.str()
		d.plan(&v.Plan)
		v.Available = d.money()
		v.Applications = d.applications()
		v.Unchanged = d.pairs()
		if !d.done() {
			v.Reason = d.str()
		}
		if !d.done() {
			v.WriteOffs = d.applications()
		}
		return d.finish(func() { *p = v })
	case *UnapplyResult:
		var v UnapplyResult
		v.Operation = d.str()
		v.Reversals = d.applications()
		v.Applications = d.applications()
		return d.finish(func() { *p = v })
	case *AdjustResult:
		var v AdjustResult
		d.document(&v.Document)
		v.Reversals = d.applications()
		v.Applications = d.applications()
		v.Removed = d.money()
		return d.finish(func() { *p = v })
	case *invoice.Document:
		var v invoice.Document
		d.document(&v)
		return d.finish(func() { *p = v })
	case *RefundResult:
		var v RefundResult
		d.document(&v.Document)
		d.balances(&v.Balances)
		if !d.done() {
			v.Reversals = d.applications()
			v.Applications = d.applications()
		}
		return d.finish(func() { *p = v })
	case *WriteOffResult:
		var v WriteOffResult
		d.document(&v.Debit)
		d.document(&v.WriteOff)
		v.Applications = d.applications()
		d.balances(&v.Balances)
		return d.finish(func() { *p = v })
	case *ChargeBackResult:
		var v ChargeBackResult
		d.document(&v.Payment)
		d.document(&v.ChargeBack)
		v.Reversals = d.applications()
		v.Applications = d.applications()
		d.balances(&v.Balances)
		return d.finish(func() { *p = v })
	case *UndoChargeBackResult:
		var v UndoChargeBackResult
		d.document(&v.Payment)
		d.document(&v.ChargeBack)
		v.Applications = d.applications()
		d.balances(&v.Balances)
		return d.finish(func() { *p = v })
	case *ReverseResult:
		var v ReverseResult
		d.document(&v.Document)
		v.Reversals = d.applications()
		v.Removed = d.money()
		return d.finish(func() { *p = v })
	case *TransferResult:
		var v TransferResult
		d.document(&v.From)
		d.document(&v.To)
		return d.finish(func() { *p = v })
	case *ConsolidateResult:
		var v ConsolidateResult
		v.Operation = d.str()
		v.Accounts = d.accountResults()
		return d.finish(func() { *p = v })
	case *ExpireResult:
		var v ExpireResult
		v.Documents = d.documents()
		v.Removed = d.money()
		return d.finish(func() { *p = v })
	case *Revaluation:
		var v Revaluation
		d.revaluation(&v)
		return d.finish(func() { *p = v })
	case *MoveBalanceResult:
		var v MoveBalanceResult
		v.From = d.documents()
		v.To = d.documents()
		v.Moved = d.money()
		return d.finish(func() { *p = v })
	}
	panic("unreachable: tagOf and decodeFields list different types")
}

// tagOf returns the tag of the result type out points to.
func tagOf(out any) (resultTag, bool) {
	switch out.(type) {
	case *Account:
		return tagAccount, true
	case *DebitResult:
		return tagDebit, true
	case *CreditResult:
		return tagCredit, true
	case *ApplyResult:
		return tagApply, true
	case *UnapplyResult:
		return tagUnapply, true
	case *AdjustResult:
		return tagAdjust, true
	case *invoice.Document:
		return tagDocument, true
	case *RefundResult:
		return tagRefund, true
	case *WriteOffResult:
		return tagWriteOff, true
	case *ChargeBackResult:
		return tagChargeBack, true
	case *UndoChargeBackResult:
		return tagUndoChargeBack, true
	case *ReverseResult:
		return tagReverse, true
	case *TransferResult:
		return tagTransfer, true
	case *ConsolidateResult:
		return tagConsolidate, true
	case *ExpireResult:
		return tagExpire, true
	case *Revaluation:
		return tagRevaluation, true
	case *MoveBalanceResult:
		return tagMoveBalance, true
	}
	return 0, false
}

// startsJSON reports whether c can begin a JSON text (after optional white
// space): the mark of a version 0 result.
func startsJSON(c byte) bool {
	switch c {
	case '{', '[', '"', '-', 't', 'f', 'n', ' ', '\t', '\n', '\r':
		return true
	}
	return c >= '0' && c <= '9'
}

// decodeJSON reads a version 0 result into out, through a fresh value so
// that a failure leaves out unchanged.
func decodeJSON(b []byte, out any) error {
	var err error
	switch p := out.(type) {
	case *Account:
		err = unmarshalInto(b, p)
	case *DebitResult:
		err = unmarshalInto(b, p)
	case *CreditResult:
		err = unmarshalInto(b, p)
	case *ApplyResult:
		err = unmarshalInto(b, p)
	case *UnapplyResult:
		err = unmarshalInto(b, p)
	case *AdjustResult:
		err = unmarshalInto(b, p)
	case *invoice.Document:
		err = unmarshalInto(b, p)
	case *RefundResult:
		// Version 0 stored what Refund returned then: the document.
		var doc invoice.Document
		if err = unmarshalInto(b, &doc); err == nil {
			*p = RefundResult{Document: doc}
		}
	case *ReverseResult:
		err = unmarshalInto(b, p)
	case *TransferResult:
		err = unmarshalInto(b, p)
	case *ConsolidateResult:
		err = unmarshalInto(b, p)
	case *ExpireResult:
		err = unmarshalInto(b, p)
	default:
		// A result type made after version 0 was never stored in it.
		err = errStoredResult(fmt.Sprintf("version 0 holds no result of type %T", out))
	}
	return err
}

func unmarshalInto[T any](b []byte, p *T) error {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return errStoredResult(fmt.Sprintf("version 0: %v", err))
	}
	*p = v
	return nil
}

func errStoredResult(why string) error {
	return fmt.Errorf("%w: stored result: %s", ErrStoreFailure, why)
}

// encodeFingerprint returns the fingerprint of a request to method: the hex
// SHA-256 of the method's name and of what write encodes, which should be
// exactly the fields of the request that change the operation's outcome
// (a field the Ledger ignores must not make two requests differ; a field
// it reads must). The encoding is the one of stored results, where every
// string and list is length-prefixed, so no two different sequences of
// fields encode alike. The leading label versions the scheme: were the
// encoding ever changed, it changes too, and no old fingerprint can match
// a new one by accident.
func encodeFingerprint(method string, write func(e *encoder)) string {
	e, _ := fingerprints.Get().(*encoder)
	if e == nil {
		e = &encoder{buf: make([]byte, 0, 256)}
	}
	e.str("arcredit fingerprint 1")
	e.str(method)
	write(e)
	sum := sha256.Sum256(e.buf)
	if cap(e.buf) <= 4096 {
		e.buf = e.buf[:0]
		fingerprints.Put(e)
	}
	var text [2 * sha256.Size]byte
	hex.Encode(text[:], sum[:])
	return string(text[:])
}

// fingerprints keeps encoders whose buffers the next fingerprint reuses:
// the encoding is hashed and dropped, so only the hash needs memory of its
// own.
var fingerprints sync.Pool

// encoder appends values to buf in the format described at the top of this
// file. It never fails: every value of the types it takes has an encoding.
type encoder struct{ buf []byte }

func (e *encoder) tag(t resultTag) { e.buf = append(e.buf, byte(t)) }

// byte writes one byte (a Kind, a Status, an AccountKind).
func (e *encoder) byte(b byte) { e.buf = append(e.buf, b) }

// int writes a signed varint.
func (e *encoder) int(v int64) { e.buf = binary.AppendVarint(e.buf, v) }

// count writes an unsigned varint: a length or a number of elements.
func (e *encoder) count(n int) { e.buf = binary.AppendUvarint(e.buf, uint64(n)) }

// list writes the header of a slice of n elements, nil or not: 0 for nil,
// n+1 otherwise, so that a nil slice and an empty one stay apart.
func (e *encoder) list(n int, isNil bool) {
	if isNil {
		e.count(0)
		return
	}
	e.count(n + 1)
}

func (e *encoder) bool(b bool) {
	if b {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

// str writes a length-prefixed string.
func (e *encoder) str(s string) {
	e.count(len(s))
	e.buf = append(e.buf, s...)
}

// strs writes a list of strings.
func (e *encoder) strs(ss []string) {
	e.list(len(ss), ss == nil)
	for _, s := range ss {
		e.str(s)
	}
}

// time writes t as its Unix seconds and nanoseconds, exactly; the zero time
// has an encoding of its own. The location is not kept.
func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.buf = append(e.buf, 0)
		return
	}
	e.buf = append(e.buf, 1)
	e.int(t.Unix())
	e.count(t.Nanosecond())
}

// money writes the canonical text of m ("" for the zero Money), which
// money.Parse reads back to an equal value for every valid amount: the
// currency's exact decimals and up to money.MaxDigits digits.
func (e *encoder) money(m money.Money) {
	// Reserve one byte for the length, which is always below 128 (the
	// text is at most money.MaxTextLen+4 bytes), and fill it in after.
	at := len(e.buf)
	e.buf = append(e.buf, 0)
	e.buf, _ = m.AppendText(e.buf)
	n := len(e.buf) - at - 1
	if n < 0x80 {
		e.buf[at] = byte(n)
		return
	}
	// Unreachable for valid Money; kept correct all the same.
	text := append([]byte(nil), e.buf[at+1:]...)
	e.buf = e.buf[:at]
	e.count(len(text))
	e.buf = append(e.buf, text...)
}

// currency writes the ISO code of c ("" for the zero Currency).
func (e *encoder) currency(c money.Currency) { e.str(c.Code()) }

// rate writes the text form of r ("USD/EUR 0.8928", "" for the zero Rate).
func (e *encoder) rate(r money.Rate) { e.str(r.String()) }

func (e *encoder) party(p invoice.Party) {
	e.str(p.Company)
	e.str(p.Person)
}

// document writes every field of d, in declaration order.
func (e *encoder) document(d *invoice.Document) {
	e.str(d.ID)
	e.str(d.Account)
	e.byte(byte(d.Kind))
	e.money(d.Amount)
	e.money(d.Open)
	e.time(d.Issued)
	e.time(d.Due)
	e.time(d.Expires)
	e.bool(d.Recurring)
	e.byte(byte(d.Status))
	e.party(d.BillTo)
	e.str(d.Reason)
	e.str(d.Reference)
	e.str(d.Original)
	e.int(d.Version)
	e.rate(d.Rate)
	e.money(d.Functional)
	e.money(d.FunctionalOpen)
	e.labels(d.Labels)
}

// labels writes a document's labels in key order, so that equal labels
// encode alike.
func (e *encoder) labels(m map[string]string) {
	keys := slices.Sorted(maps.Keys(m))
	e.count(len(keys))
	for _, k := range keys {
		e.str(k)
		e.str(m[k])
	}
}

func (e *encoder) documents(ds []invoice.Document) {
	e.list(len(ds), ds == nil)
	for i := range ds {
		e.document(&ds[i])
	}
}

// application writes every field of a, in declaration order.
func (e *encoder) application(a *Application) {
	e.str(a.ID)
	e.str(a.Credit)
	e.str(a.Debit)
	e.str(a.CreditAccount)
	e.str(a.DebitAccount)
	e.money(a.Amount)
	e.str(a.Reverses)
	e.str(a.Policy)
	e.str(a.Operation)
	e.str(a.By)
	e.time(a.At)
	e.money(a.DebitValue)
	e.money(a.Difference)
}

func (e *encoder) applications(as []Application) {
	e.list(len(as), as == nil)
	e.buf = slices.Grow(e.buf, 128*len(as)) // grown once for a long list, not copied again and again
	for i := range as {
		e.application(&as[i])
	}
}

func (e *encoder) balances(b *Balances) {
	e.money(b.Credit)
	e.money(b.Debit)
	e.money(b.Outstanding)
	e.money(b.Limit)
	e.money(b.Available)
}

// account writes every field of a, in declaration order.
func (e *encoder) account(a *Account) {
	e.str(a.ID)
	e.currency(a.Currency)
	e.byte(byte(a.Kind))
	e.party(a.Party)
	e.money(a.Limit)
	e.bool(a.AllowExceed)
	e.money(a.Credit)
	e.money(a.Debit)
	e.int(a.Seq)
	e.time(a.Updated)
	e.str(a.Head)
	e.time(a.Created)
	e.int(a.Version)
	e.str(a.Hold)
	e.time(a.Closed)
}

func (e *encoder) plan(p *allocate.Plan) {
	e.list(len(p.Lines), p.Lines == nil)
	e.buf = slices.Grow(e.buf, 48*len(p.Lines))
	for _, l := range p.Lines {
		e.str(l.Credit)
		e.str(l.Debit)
		e.money(l.Amount)
		e.str(l.Reason)
	}
}

func (e *encoder) pairs(ps []Pair) {
	e.list(len(ps), ps == nil)
	for _, p := range ps {
		e.str(p.Credit)
		e.str(p.Debit)
		e.money(p.Amount)
	}
}

func (e *encoder) accountResults(rs []AccountResult) {
	e.list(len(rs), rs == nil)
	for i := range rs {
		r := &rs[i]
		e.str(r.Account)
		e.applications(r.Applications)
		e.money(r.Total)
		e.str(r.Code)
		e.str(r.Error)
	}
}

// decoder reads what encoder writes. Its error is sticky: after the first
// failure (input too short, a malformed value) every read returns a zero
// value and the error stays, so a caller decodes a whole value and checks
// once. It never panics on any input, and allocates for a list no more
// than the input could hold.
//
// s is b as a string, converted once: the strings decoded are slices of it
// and cost no allocation each.
type decoder struct {
	b       []byte
	s       string
	off     int
	err     error
	version byte // the format being read: what a record holds depends on it
}

func (d *decoder) fail(why string) {
	if d.err == nil {
		d.err = errStoredResult(fmt.Sprintf("%s at byte %d", why, d.off))
	}
}

// finish reports the first error, or input left over once the value is
// read; when there is neither it calls set, which stores the value.
func (d *decoder) finish(set func()) error {
	if d.err == nil && d.off != len(d.b) {
		d.fail(fmt.Sprintf("%d bytes left over", len(d.b)-d.off))
	}
	if d.err != nil {
		return d.err
	}
	set()
	return nil
}

// done reports whether the input is all read (or an error stopped it).
func (d *decoder) done() bool { return d.err != nil || d.off == len(d.b) }

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.b) {
		d.fail("truncated")
		return 0
	}
	c := d.b[d.off]
	d.off++
	return c
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		d.fail("malformed or truncated integer")
		return 0
	}
	d.off += n
	return v
}

// count reads an unsigned varint that must be at most limit.
func (d *decoder) count(limit uint64) int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail("malformed or truncated count")
		return 0
	}
	if v > limit {
		d.fail("count out of range")
		return 0
	}
	d.off += n
	return int(v)
}

// list reads a list header: whether the slice is nil, and its length. Each
// element takes at least minSize bytes, so a length the rest of the input
// cannot hold is refused before anything is allocated for it.
func (d *decoder) list(minSize int) (n int, isNil bool) {
	h := d.count(math.MaxInt32)
	if d.err != nil || h == 0 {
		return 0, true
	}
	if n = h - 1; n > (len(d.b)-d.off)/minSize {
		d.fail("list longer than the input")
		return 0, true
	}
	return n, false
}

func (d *decoder) bool() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail("malformed bool")
	return false
}

func (d *decoder) str() string {
	n := d.count(math.MaxInt32)
	if d.err != nil {
		return ""
	}
	if n > len(d.b)-d.off {
		d.fail("truncated string")
		return ""
	}
	s := d.s[d.off : d.off+n]
	d.off += n
	return s
}

func (d *decoder) strs() []string {
	n, isNil := d.list(1)
	if isNil {
		return nil
	}
	ss := make([]string, 0, n)
	for range n {
		ss = append(ss, d.str())
	}
	return ss
}

func (d *decoder) time() time.Time {
	switch d.byte() {
	case 0:
		return time.Time{}
	case 1:
	default:
		d.fail("malformed time")
		return time.Time{}
	}
	sec := d.int()
	nsec := d.count(999_999_999)
	if d.err != nil {
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec)).UTC()
	if t.IsZero() {
		// The zero time has its own encoding; this one is not canonical.
		d.fail("zero time written as an instant")
	}
	return t
}

func (d *decoder) money() money.Money {
	text := d.str()
	if d.err != nil || text == "" {
		return money.Money{}
	}
	m, err := money.Parse(text)
	if err != nil {
		d.fail(fmt.Sprintf("malformed money (%v)", err))
		return money.Money{}
	}
	return m
}

func (d *decoder) currency() money.Currency {
	code := d.str()
	if d.err != nil || code == "" {
		return money.Currency{}
	}
	c, err := money.ParseCurrency(code)
	if err != nil {
		d.fail(fmt.Sprintf("malformed currency (%v)", err))
		return money.Currency{}
	}
	return c
}

func (d *decoder) rate() money.Rate {
	text := d.str()
	if d.err != nil || text == "" {
		return money.Rate{}
	}
	r, err := money.ParseRate(text)
	if err != nil {
		d.fail(fmt.Sprintf("malformed rate (%v)", err))
		return money.Rate{}
	}
	return r
}

func (d *decoder) party() invoice.Party {
	return invoice.Party{Company: d.str(), Person: d.str()}
}

// The fewest bytes one element of each list can take, for decoder.list:
// one per string, money, time, bool, byte, int and list, two per party.
const (
	minDocument      = 16
	minApplication   = 11
	minLine          = 4
	minPair          = 3
	minAccountResult = 5
)

func (d *decoder) document(v *invoice.Document) {
	v.ID = d.str()
	v.Account = d.str()
	v.Kind = invoice.Kind(d.byte())
	v.Amount = d.money()
	v.Open = d.money()
	v.Issued = d.time()
	v.Due = d.time()
	v.Expires = d.time()
	v.Recurring = d.bool()
	v.Status = invoice.Status(d.byte())
	v.BillTo = d.party()
	v.Reason = d.str()
	v.Reference = d.str()
	v.Original = d.str()
	v.Version = d.int()
	if d.version >= 2 {
		v.Rate = d.rate()
		v.Functional = d.money()
		v.FunctionalOpen = d.money()
		v.Labels = d.labels()
	}
}

// labels reads what encoder.labels writes: nil for none. Keys must come
// in increasing order, as they are written.
func (d *decoder) labels() map[string]string {
	n := d.count(invoice.MaxLabels)
	if d.err != nil || n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	prev := ""
	for i := range n {
		k, v := d.str(), d.str()
		if d.err != nil {
			return nil
		}
		if i > 0 && k <= prev {
			d.fail("labels out of order")
			return nil
		}
		m[k], prev = v, k
	}
	return m
}

func (d *decoder) documents() []invoice.Document {
	n, isNil := d.list(minDocument)
	if isNil {
		return nil
	}
	ds := make([]invoice.Document, n)
	for i := range ds {
		d.document(&ds[i])
	}
	return ds
}

func (d *decoder) application(a *Application) {
	a.ID = d.str()
	a.Credit = d.str()
	a.Debit = d.str()
	a.CreditAccount = d.str()
	a.DebitAccount = d.str()
	a.Amount = d.money()
	a.Reverses = d.str()
	a.Policy = d.str()
	a.Operation = d.str()
	a.By = d.str()
	a.At = d.time()
	if d.version >= 2 {
		a.DebitValue = d.money()
		a.Difference = d.money()
	}
}

func (d *decoder) applications() []Application {
	n, isNil := d.list(minApplication)
	if isNil {
		return nil
	}
	as := make([]Application, n)
	for i := range as {
		d.application(&as[i])
	}
	return as
}

func (d *decoder) balances(b *Balances) {
	b.Credit = d.money()
	b.Debit = d.money()
	b.Outstanding = d.money()
	b.Limit = d.money()
	b.Available = d.money()
}

func (d *decoder) account(a *Account) {
	a.ID = d.str()
	a.Currency = d.currency()
	a.Kind = AccountKind(d.byte())
	a.Party = d.party()
	a.Limit = d.money()
	a.AllowExceed = d.bool()
	a.Credit = d.money()
	a.Debit = d.money()
	a.Seq = d.int()
	a.Updated = d.time()
	a.Head = d.str()
	a.Created = d.time()
	a.Version = d.int()
	if d.version >= 2 {
		a.Hold = d.str()
		a.Closed = d.time()
	}
}

func (d *decoder) plan(p *allocate.Plan) {
	n, isNil := d.list(minLine)
	if isNil {
		p.Lines = nil
		return
	}
	p.Lines = make([]allocate.Line, n)
	for i := range p.Lines {
		l := &p.Lines[i]
		l.Credit = d.str()
		l.Debit = d.str()
		l.Amount = d.money()
		l.Reason = d.str()
	}
}

func (d *decoder) pairs() []Pair {
	n, isNil := d.list(minPair)
	if isNil {
		return nil
	}
	ps := make([]Pair, n)
	for i := range ps {
		ps[i] = Pair{Credit: d.str(), Debit: d.str(), Amount: d.money()}
	}
	return ps
}

func (d *decoder) accountResults() []AccountResult {
	n, isNil := d.list(minAccountResult)
	if isNil {
		return nil
	}
	rs := make([]AccountResult, n)
	for i := range rs {
		r := &rs[i]
		r.Account = d.str()
		r.Applications = d.applications()
		r.Total = d.money()
		r.Code = d.str()
		r.Error = d.str()
	}
	return rs
}
