package storetest

import (
	"fmt"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// The contract clauses of the records that document labels and account
// holds added.

// fullLabels returns invoice.MaxLabels labels, keys and values at their
// longest in text of several bytes a character, and one empty value.
func fullLabels() map[string]string {
	m := map[string]string{}
	for i := range invoice.MaxLabels {
		k := fmt.Sprintf("%02d-", i)
		k += strings.Repeat("é", (invoice.MaxLabelKeyLen-len(k))/2)
		k += strings.Repeat("k", invoice.MaxLabelKeyLen-len(k))
		v := ""
		if i > 0 {
			v = strings.Repeat("値", invoice.MaxLabelValueLen/3)
			v += strings.Repeat("v", invoice.MaxLabelValueLen-len(v))
		}
		m[k] = v
	}
	return m
}

// contractLabels: a document's labels read back as written through Load
// and Documents, nil as nil; an update that changes or drops them is kept;
// and they are the store's own: changing the map that was committed, or
// one that a read returned, changes nothing stored.
func contractLabels(t tb, e *env) {
	r := newRaw(t, e)
	labels := fullLabels()
	if len(labels) != invoice.MaxLabels {
		t.Fatalf("the kit's labels are %d, want %d", len(labels), invoice.MaxLabels)
	}
	if err := invoice.ValidateLabels(labels); err != nil {
		t.Fatalf("the kit's labels: %v", err)
	}
	want := map[string]string{}
	for k, v := range labels {
		want[k] = v
	}
	cm := r.doc("cm", "a", invoice.CreditMemo, 500, epoch)
	cm.Labels = labels
	plain := r.doc("inv", "a", invoice.Invoice, 500, epoch)
	r.mustCommit("a labelled credit and a document without labels", &credit.Batch{Accounts: []credit.Account{r.account("a", 1)},
		Documents: []invoice.Document{cm, plain}})
	labels["priority"] = "changed after the commit"
	q := credit.Query{Documents: []string{"cm", "inv"}, OpenOf: []string{"a"}}
	snap := r.load(q)
	if diff := cmp.Diff(want, snap.Documents["cm"].Labels); diff != "" {
		t.Errorf("labels of cm (Load) differ from those committed (-written +read):\n%s", diff)
	}
	if got := snap.Documents["inv"].Labels; got != nil {
		t.Errorf("a document committed without labels reads back with %v, want nil", got)
	}
	for k := range snap.Documents["cm"].Labels {
		snap.Documents["cm"].Labels[k] = "changed after a read"
	}
	listed := r.documents(credit.DocumentFilter{Account: "a"})
	for _, d := range listed {
		switch d.ID {
		case "cm":
			if diff := cmp.Diff(want, d.Labels); diff != "" {
				t.Errorf("labels of cm (Documents) differ from those committed (-written +read):\n%s", diff)
			}
			d.Labels["priority"] = "changed after a read"
		case "inv":
			if d.Labels != nil {
				t.Errorf("inv (Documents) has labels %v, want nil", d.Labels)
			}
		}
	}
	if diff := cmp.Diff(want, r.load(q).Documents["cm"].Labels); diff != "" {
		t.Errorf("changing the labels a read returned changed the stored ones (-written +read):\n%s", diff)
	}
	// An update that drops the labels, and one that sets others.
	cm.Labels, cm.Version = nil, 2
	r.mustCommit("labels dropped", &credit.Batch{Documents: []invoice.Document{cm}})
	if got := r.load(q).Documents["cm"].Labels; got != nil {
		t.Errorf("labels dropped by an update read back as %v", got)
	}
	cm.Labels, cm.Version = map[string]string{"priority": "1"}, 3
	r.mustCommit("labels set", &credit.Batch{Documents: []invoice.Document{cm}})
	if got := r.load(q).Documents["cm"].Labels; !cmp.Equal(got, map[string]string{"priority": "1"}) {
		t.Errorf("labels set by an update read back as %v", got)
	}
}
