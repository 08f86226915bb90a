package store

import (
	"math"
	"math/bits"
	"slices"
)

// records keeps values of T in chunks, each allocated once at its full
// size and never moved: 16 records, then 16, 32, … 512 (so that a small
// store stays small), then chunkLen each. A store of n records is then
// about n/chunkLen objects for the collector rather than n, adding a record
// allocates nothing most of the time, and a record keeps its place, an
// int32, for good: maps and lists refer to records by place. Records are
// never removed. Not safe for concurrent use: Memory guards it with its
// lock.
type records[T any] struct {
	chunks [][]T
	n      int32
}

// chunkBits sets the records of a full chunk: 1,024. The chunks before the
// first full one hold 16, 16, 32, … chunkLen/2: chunk c ≥ 1 starts at
// place 8<<c.
const (
	chunkBits  = 10
	chunkLen   = 1 << chunkBits
	smallChunk = 16
	// smallChunks is how many chunks come before the first full one.
	smallChunks = chunkBits - 3
)

// chunkOf returns the chunk of place i and i's index in it.
func chunkOf(i int32) (c, j int) {
	if i >= chunkLen {
		return smallChunks + int(i>>chunkBits) - 1, int(i & (chunkLen - 1))
	}
	if i < smallChunk {
		return 0, int(i)
	}
	c = bits.Len32(uint32(i)) - 4 // 16…31 → 1, 32…63 → 2, …
	return c, int(i) - 8<<c
}

// add makes room for a record and returns its place, and the zero record
// there to be filled in.
func (r *records[T]) add() (int32, *T) {
	if r.n == math.MaxInt32 {
		panic("store: more than 2³¹ records of one kind in a namespace")
	}
	c, j := chunkOf(r.n)
	if c == len(r.chunks) {
		size := chunkLen
		if c < smallChunks {
			size = max(smallChunk, 8<<c)
		}
		r.chunks = append(r.chunks, make([]T, size))
	}
	r.n++
	return r.n - 1, &r.chunks[c][j]
}

// at returns the record at place i.
func (r *records[T]) at(i int32) *T {
	c, j := chunkOf(i)
	return &r.chunks[c][j]
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
