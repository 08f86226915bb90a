package store

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestRecords: every record added reads back at the place add returned,
// across several chunks, and places count from 0 without a gap.
func TestRecords(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var r records[int]
		n := rapid.IntRange(0, 3*chunkLen+7).Draw(t, "records")
		for i := range n {
			got, rec := r.add()
			if got != int32(i) || *rec != 0 {
				t.Fatalf("add #%d returned place %d holding %d", i, got, *rec)
			}
			*rec = i * 7
		}
		for i := range n {
			if got := *r.at(int32(i)); got != i*7 {
				t.Fatalf("at(%d) = %d, want %d", i, got, i*7)
			}
		}
		// The chunks hold 16, 16, 32, … 512, then 1,024 records each.
		want := 0
		for c, ch := range r.chunks {
			switch {
			case c < 2:
				want = smallChunk
			case want < chunkLen:
				want *= 2
			}
			if len(ch) != want {
				t.Fatalf("chunk %d holds %d records, want %d", c, len(ch), want)
			}
		}
	})
}

// TestBlock: the slices a block hands out hold what they were given, and
// an append to one never changes another, small or large.
func TestBlock(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var b block[byte]
		var given, kept [][]byte
		for range rapid.IntRange(1, 60).Draw(t, "slices") {
			s := rapid.SliceOfN(rapid.Byte(), 0, maxBlock/8).Draw(t, "slice")
			if rapid.IntRange(0, 9).Draw(t, "nil in 10") == 0 {
				s = nil
			}
			c := b.clone(s)
			if (c == nil) != (s == nil) || !slices.Equal(c, s) {
				t.Fatalf("clone(%v) = %v", s, c)
			}
			if len(c) > 0 && &c[0] == &s[0] {
				t.Fatal("clone shares the array it was given")
			}
			given, kept = append(given, slices.Clone(s)), append(kept, c)
			// Grow one kept slice: no other may change.
			i := rapid.IntRange(0, len(kept)-1).Draw(t, "grown")
			_ = append(kept[i], 0xff, 0xfe)
			for j := range kept {
				if !slices.Equal(kept[j], given[j]) {
					t.Fatalf("slice %d changed to %v after an append to slice %d", j, kept[j], i)
				}
			}
		}
		ints := block[int32]{}
		h := ints.cut(4)
		h2 := ints.cut(4)
		h = append(h, 1, 2, 3, 4, 5)
		h2 = append(h2, 9)
		if !slices.Equal(h, []int32{1, 2, 3, 4, 5}) || !slices.Equal(h2, []int32{9}) {
			t.Fatalf("cut slices overlap: %v %v", h, h2)
		}
	})
}
