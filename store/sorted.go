package store

import (
	"slices"
	"sort"
)

// sortedSet is a set of keys kept in the order of cmp, for pages that cost
// O(log n + page) however large the set: a list of sorted chunks of at
// most maxChunk keys (fewer in tests), each chunk's keys all before the
// next chunk's. Finding a key searches the chunks by their last key, then
// the chunk; an insert or a removal moves at most one chunk's keys (and,
// when a chunk splits or empties, the list of chunks, n/maxChunk long). It
// is not safe for concurrent use: Memory guards it with its lock.
type sortedSet[K any] struct {
	cmp      func(a, b K) int
	chunks   [][]K
	n        int
	maxChunk int
}

// maxChunk bounds a chunk; a full chunk splits in two halves.
const maxChunk = 512

func newSortedSet[K any](cmp func(a, b K) int) *sortedSet[K] {
	return &sortedSet[K]{cmp: cmp, maxChunk: maxChunk}
}

// Len returns the number of keys.
func (s *sortedSet[K]) Len() int { return s.n }

// chunkOf returns the index of the first chunk whose last key is not before
// k (len(s.chunks) when k is after every key).
func (s *sortedSet[K]) chunkOf(k K) int {
	return sort.Search(len(s.chunks), func(c int) bool {
		ch := s.chunks[c]
		return s.cmp(ch[len(ch)-1], k) >= 0
	})
}

// Insert adds k, and reports whether it was absent.
func (s *sortedSet[K]) Insert(k K) bool {
	if len(s.chunks) == 0 {
		s.chunks = [][]K{{k}}
		s.n = 1
		return true
	}
	c := s.chunkOf(k)
	var i int
	if c == len(s.chunks) {
		c = len(s.chunks) - 1
		i = len(s.chunks[c])
	} else {
		var found bool
		if i, found = slices.BinarySearchFunc(s.chunks[c], k, s.cmp); found {
			return false
		}
	}
	ch := slices.Insert(s.chunks[c], i, k)
	if len(ch) > s.maxChunk {
		// The right half gets an array of its own: the left one keeps
		// growing in place.
		right := slices.Clone(ch[len(ch)/2:])
		clear(ch[len(ch)/2:])
		ch = ch[:len(ch)/2]
		s.chunks = slices.Insert(s.chunks, c+1, right)
	}
	s.chunks[c] = ch
	s.n++
	return true
}

// Delete removes k, and reports whether it was present.
func (s *sortedSet[K]) Delete(k K) bool {
	c := s.chunkOf(k)
	if c == len(s.chunks) {
		return false
	}
	i, found := slices.BinarySearchFunc(s.chunks[c], k, s.cmp)
	if !found {
		return false
	}
	ch := slices.Delete(s.chunks[c], i, i+1)
	s.n--
	switch {
	case len(ch) == 0:
		s.chunks = slices.Delete(s.chunks, c, c+1)
		return true
	case c+1 < len(s.chunks) && len(ch)+len(s.chunks[c+1]) <= s.maxChunk/2:
		// Merge small neighbours, so that removals do not leave many
		// tiny chunks behind.
		ch = append(ch, s.chunks[c+1]...)
		s.chunks = slices.Delete(s.chunks, c+1, c+2)
	}
	s.chunks[c] = ch
	return true
}

// cursor walks a sortedSet in order from a position.
type cursor[K any] struct {
	s    *sortedSet[K]
	c, i int // chunk and index in it of the next key
}

// First returns a cursor on the first key.
func (s *sortedSet[K]) First() cursor[K] { return cursor[K]{s: s} }

// After returns a cursor on the first key after k.
func (s *sortedSet[K]) After(k K) cursor[K] {
	c := s.chunkOf(k)
	if c == len(s.chunks) {
		return cursor[K]{s: s, c: c}
	}
	i, found := slices.BinarySearchFunc(s.chunks[c], k, s.cmp)
	if found {
		i++
	}
	cur := cursor[K]{s: s, c: c, i: i}
	cur.settle()
	return cur
}

// settle moves a cursor at the end of a chunk to the start of the next.
func (cur *cursor[K]) settle() {
	if cur.c < len(cur.s.chunks) && cur.i >= len(cur.s.chunks[cur.c]) {
		cur.c, cur.i = cur.c+1, 0
	}
}

// Peek returns the key under the cursor, and false at the end.
func (cur *cursor[K]) Peek() (K, bool) {
	if cur.c >= len(cur.s.chunks) {
		var zero K
		return zero, false
	}
	return cur.s.chunks[cur.c][cur.i], true
}

// Next moves the cursor to the next key.
func (cur *cursor[K]) Next() {
	cur.i++
	cur.settle()
}

// All calls yield with every key in order until it returns false.
func (s *sortedSet[K]) All(yield func(K) bool) {
	for _, ch := range s.chunks {
		for _, k := range ch {
			if !yield(k) {
				return
			}
		}
	}
}
