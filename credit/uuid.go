package credit

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// newV7 returns a time-ordered UUID (version 7, RFC 9562) as text, the
// Ledger's default ids: 48 bits of Unix milliseconds, 12 bits that order
// the ids of one millisecond (its fraction, then counting on when the
// clock does not move forward, as github.com/google/uuid makes them), and
// 62 random bits from crypto/rand. The same ids as uuid.NewV7, at one
// allocation (the text) rather than three.
func newV7() string {
	now := time.Now().UnixNano()
	milli := now / int64(time.Millisecond)
	stamp := milli<<12 + (now-milli*int64(time.Millisecond))>>8
	v7.Lock()
	if stamp <= v7.last {
		stamp = v7.last + 1
	}
	v7.last = stamp
	v7.Unlock()
	milli, seq := stamp>>12, stamp&0xfff

	var u [16]byte
	_, _ = rand.Read(u[8:]) // never fails (crypto/rand)
	for i := range 6 {
		u[i] = byte(milli >> (40 - 8*i))
	}
	u[6] = 0x70 | byte(seq>>8)&0x0f
	u[7] = byte(seq)
	u[8] = u[8]&0x3f | 0x80 // the RFC 9562 variant

	var text [36]byte
	hex.Encode(text[0:8], u[0:4])
	hex.Encode(text[9:13], u[4:6])
	hex.Encode(text[14:18], u[6:8])
	hex.Encode(text[19:23], u[8:10])
	hex.Encode(text[24:], u[10:])
	text[8], text[13], text[18], text[23] = '-', '-', '-', '-'
	return string(text[:])
}

// v7 is the last stamp newV7 gave (milliseconds << 12 | sequence), so that
// its ids keep increasing in a process.
var v7 struct {
	sync.Mutex
	last int64
}
