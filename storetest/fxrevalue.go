package storetest

import (
	"encoding/json"

	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

// revalueRates are the rates every revaluation of the machine uses: 1.5
// for every pair of its currencies.
var revalueRates = func() []money.Rate {
	var rs []money.Rate
	for _, from := range []string{"USD", "EUR", "JPY", "KWD"} {
		for _, to := range []string{"USD", "JPY", "KWD"} {
			if from != to {
				rs = append(rs, money.MustParseRate(from+"/"+to+" 1.5"))
			}
		}
	}
	return rs
}()

// revalue revalues the namespace now, and asks again, as of their moment,
// the last revaluations made so: each must be what it was then, the
// balances of the documents rebuilt from what happened since (the store's
// EntryAt, History and applications of each document).
func (mc *fxMachine) revalue(t *rapid.T) {
	now, err := mc.f.l.Revalue(mc.f.ctx, mc.f.p, credit.RevalueRequest{Rates: revalueRates})
	if err != nil {
		t.Skip("a revaluation money refuses: " + err.Error())
	}
	for _, then := range mc.revalued[max(0, len(mc.revalued)-3):] {
		again, err := mc.f.l.Revalue(mc.f.ctx, mc.f.p, credit.RevalueRequest{AsOf: then.AsOf, Rates: revalueRates})
		if err != nil {
			t.Fatalf("Revalue as of %s: %v", then.AsOf, err)
		}
		a, _ := json.Marshal(then)
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Fatalf("revalued at %s:\n%s\nas of it, later:\n%s", then.AsOf, a, b)
		}
	}
	mc.revalued = append(mc.revalued, now)
}
