package store

import (
	"math"
	"slices"
)

// records keeps values of T in chunks of chunkLen, each allocated once
// (the first grows by append until it is full), so that a store of n
// records is n/chunkLen objects for the collector rather than n, adding a
// record allocates nothing most of the time, and a record keeps its place,
// an int32, for good: maps and lists refer to records by place. Records
// are never removed. Not safe for concurrent use: Memory guards it with
// its lock.
type records[T any] struct {
	chunks [][]T
	n      int32
}

// chunkBits sets the records of a chunk: 1,024.
const (
	chunkBits = 10
	chunkLen  = 1 << chunkBits
)

// add keeps v and returns its place.
func (r *records[T]) add(v T) int32 {
	if r.n == math.MaxInt32 {
		panic("store: more than 2³¹ records of one kind in a namespace")
	}
	c := int(r.n >> chunkBits)
	if c == len(r.chunks) {
		var ch []T // the first chunk grows by append: small stores stay small
		if c > 0 {
			ch = make([]T, 0, chunkLen)
		}
		r.chunks = append(r.chunks, ch)
	}
	r.chunks[c] = append(r.chunks[c], v)
	r.n++
	return r.n - 1
}

// at returns the record at place i. The pointer is good until the next
// add (which may move the first chunk).
func (r *records[T]) at(i int32) *T {
	return &r.chunks[i>>chunkBits][i&(chunkLen-1)]
}

// block hands out small slices cut from larger shared arrays, so that the
// many small slices a store keeps (the first entries of an account's
// history, a recorded result) do not cost an allocation each. A slice it
// hands out has no room beyond its length or capacity, so an append to it
// copies it out rather than writing over a neighbour. Not safe for
// concurrent use.
type block[T any] struct {
	free []T
	size int // of the last shared array: doubles from 256 (or 16 slices) up to maxBlock
}

// maxBlock bounds a shared array, and what is cut from one: a slice larger
// than a sixteenth of it is allocated on its own.
const maxBlock = 64 << 10

// cut returns an empty slice with capacity n.
func (b *block[T]) cut(n int) []T {
	if n > maxBlock/16 {
		return make([]T, 0, n)
	}
	if len(b.free) < n {
		b.size = min(max(2*b.size, 256, 16*n), maxBlock)
		b.free = make([]T, b.size)
	}
	s := b.free[:0:n]
	b.free = b.free[n:]
	return s
}

// clone returns a copy of s cut from a shared array (nil for nil, as
// slices.Clone).
func (b *block[T]) clone(s []T) []T {
	if s == nil {
		return nil
	}
	if len(s) == 0 {
		return slices.Clone(s)
	}
	return append(b.cut(len(s)), s...)
}
