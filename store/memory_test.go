package store_test

import (
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/store"
	"github.com/arcredit/arcredit/storetest"
)

func TestMemory(t *testing.T) {
	storetest.RunWith(t, func(*testing.T) credit.Store { return store.NewMemory() }, storetest.Options{AccountLister: true})
}
