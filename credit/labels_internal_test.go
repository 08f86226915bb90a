package credit

import (
	"testing"
	"time"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// TestFingerprintOfRequestsWithoutLabels: a request without labels has the
// fingerprint it had before labels existed (the principal, then the fields
// the issue requests wrote), so that a key recorded before keeps replaying;
// labels, in any map order, make another one.
func TestFingerprintOfRequestsWithoutLabels(t *testing.T) {
	p := Principal{ID: "u", Namespace: "ns"}
	req := CreditRequest{Account: "A", Kind: invoice.Payment, Amount: money.MustParse("USD 1.00"),
		Issued: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Reason: "r", Against: "INV"}
	fp := func(req CreditRequest) string {
		return encodeFingerprint(issueCredit.method, func(e *encoder) {
			e.str(p.ID)
			issueCredit.fingerprint(e, req)
		})
	}
	before := encodeFingerprint("IssueCredit", func(e *encoder) {
		e.str(p.ID)
		req.issued().print(e)
		e.str(req.Against)
	})
	if got := fp(req); got != before {
		t.Errorf("a credit request without labels: fingerprint %s, was %s", got, before)
	}
	req.Labels = map[string]string{}
	if got := fp(req); got != before {
		t.Errorf("a credit request with empty labels: fingerprint %s, was %s", got, before)
	}
	req.Labels = map[string]string{"a": "1", "b": "2"}
	with := fp(req)
	if with == before {
		t.Error("labels do not change the fingerprint")
	}
	req.Labels = map[string]string{"b": "2", "a": "1"}
	if fp(req) != with {
		t.Error("the order of a map changes the fingerprint")
	}
	req.Labels = map[string]string{"a": "12"}
	if fp(req) == with {
		t.Error("other labels give the same fingerprint")
	}
	// The fingerprint of this request as the code before labels computed
	// it (issueCredit.fingerprint then), pinned.
	const pinned = "efc6f961015c46171abb5611b6e1cbb649cfedbbc5db90be9d44cc562a2a6a2d"
	req.Labels = nil
	if got := fp(req); got != pinned {
		t.Errorf("fingerprint %s, pinned %s", got, pinned)
	}
}
