package allocate_test

import (
	"testing"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/allocate/allocatetest"
)

func TestBuiltinsPassTheKit(t *testing.T) {
	for _, p := range []allocate.Policy{
		allocate.OldestFirst(),
		allocate.SystemDiscretion(),
		allocate.BillToMatch(allocate.OldestFirst()),
		allocate.Partial(allocate.OldestFirst()),
		allocate.Partial(allocate.BillToMatch(allocate.SystemDiscretion())),
	} {
		t.Run(allocate.NameOf(p), func(t *testing.T) { allocatetest.Check(t, p) })
	}
}

func TestBuiltinsPassFind(t *testing.T) {
	for _, p := range []allocate.Policy{allocate.OldestFirst(), allocate.SystemDiscretion()} {
		if err := allocatetest.Find(p, 2000); err != nil {
			t.Fatal(err)
		}
	}
}
