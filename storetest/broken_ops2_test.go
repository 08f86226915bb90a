package storetest

import (
	"context"
	"sync"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/store"
)

// sharesLabels keeps the very label maps it was committed and hands them
// out on every read, so that what a caller does to a map changes what the
// store keeps.
type sharesLabels struct {
	*store.Memory
	mu   sync.Mutex
	kept map[string]map[string]string // namespace + "/" + document id → the map committed
}

func (s *sharesLabels) Commit(ctx context.Context, b *credit.Batch) error {
	if err := s.Memory.Commit(ctx, b); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range b.Documents {
		s.kept[b.Namespace+"/"+d.ID] = d.Labels
	}
	return nil
}

func (s *sharesLabels) share(ns string, d *invoice.Document) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.kept[ns+"/"+d.ID]; ok {
		d.Labels = m
	}
}

func (s *sharesLabels) Load(ctx context.Context, q credit.Query) (*credit.Snapshot, error) {
	snap, err := s.Memory.Load(ctx, q)
	if err != nil {
		return nil, err
	}
	for id, d := range snap.Documents {
		s.share(q.Namespace, &d)
		snap.Documents[id] = d
	}
	return snap, nil
}

func (s *sharesLabels) Documents(ctx context.Context, ns string, f credit.DocumentFilter) ([]invoice.Document, error) {
	out, err := s.Memory.Documents(ctx, ns, f)
	for i := range out {
		s.share(ns, &out[i])
	}
	return out, err
}
