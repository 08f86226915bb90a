package credit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/arcredit/arcredit/money"
)

// print accumulates the fields of a request that change its outcome, each
// with a length prefix, so that no two requests print alike. It depends on
// no type's JSON form: renaming a field or a tag changes no fingerprint.
type print struct{ b []byte }

func (p *print) str(ss ...string) {
	for _, s := range ss {
		p.b = binary.BigEndian.AppendUint64(p.b, uint64(len(s)))
		p.b = append(p.b, s...)
	}
}

// strs prints a list with its length, so [a b] and [ab] differ.
func (p *print) strs(ss []string) {
	p.int(int64(len(ss)))
	p.str(ss...)
}

func (p *print) int(i int64) { p.b = binary.BigEndian.AppendUint64(p.b, uint64(i)) }

func (p *print) bool(v bool) {
	if v {
		p.b = append(p.b, 1)
	} else {
		p.b = append(p.b, 0)
	}
}

// money prints amounts in their canonical text; the zero Money prints as
// the empty string, apart from any amount.
func (p *print) money(ms ...money.Money) {
	for _, m := range ms {
		at := len(p.b)
		p.b = binary.BigEndian.AppendUint64(p.b, 0)
		if m.IsValid() {
			p.b, _ = m.AppendText(p.b)
		}
		binary.BigEndian.PutUint64(p.b[at:], uint64(len(p.b)-at-8))
	}
}

func (p *print) rate(r money.Rate) {
	if r.IsValid() {
		p.str(r.String())
	} else {
		p.str("")
	}
}

// time prints an instant to the nanosecond; the zero time apart.
func (p *print) time(t time.Time) {
	if t.IsZero() {
		p.str("")
		return
	}
	p.str(t.UTC().Format(time.RFC3339Nano))
}

// fingerprintOf is the fingerprint of a request to method by principal p:
// SHA-256 over the method, the principal and what write prints. The
// principal is part of it, so that one principal's key is never replayed
// to another.
func fingerprintOf(method string, p Principal, write func(*print)) string {
	w := print{b: make([]byte, 0, 256)}
	w.str(method, p.ID)
	write(&w)
	sum := sha256.Sum256(w.b)
	return hex.EncodeToString(sum[:])
}

// resultVersion is the format of the results stored with idempotency
// records: version 1 is a JSON envelope {"v":1,"r":…}; version 0, stored
// before it, is the bare JSON of the result.
const resultVersion = 1

type resultEnvelope struct {
	V int             `json:"v"`
	R json.RawMessage `json:"r"`
}

// storeResult encodes a result for its idempotency record.
func storeResult(r any) ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return json.Marshal(resultEnvelope{V: resultVersion, R: b})
}

// loadResult decodes a result stored by storeResult, of this version or
// an earlier one.
func loadResult(b []byte, out any) error {
	var env resultEnvelope
	if err := json.Unmarshal(b, &env); err == nil && env.V == resultVersion && len(env.R) > 0 {
		return json.Unmarshal(env.R, out)
	}
	return json.Unmarshal(b, out)
}
