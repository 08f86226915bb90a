package credit

import (
	"encoding/hex"
	"testing"

	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

func sampleRevaluation() Revaluation {
	return Revaluation{
		AsOf: sampleTime,
		Documents: []RevaluedDocument{{Document: "INV-EUR", Account: "acme", Kind: invoice.Invoice, Open: money.MustParse("EUR 1000.00"),
			Booked: money.MustParse("USD 1100.00"), Rate: money.MustParseRate("EUR/USD 1.20"), Revalued: money.MustParse("USD 1200.00"),
			Difference: money.MustParse("USD 100.00")}},
		Accounts: []RevaluedAccount{{Account: "acme", Difference: money.MustParse("USD 100.00")}},
		Unrated:  []string{"INV-GBP", "Ünrated"},
	}
}

func genRevaluation(t *rapid.T) Revaluation {
	return Revaluation{
		AsOf: genTime(t, "as of"),
		Documents: genList(t, "documents", func(t *rapid.T) RevaluedDocument {
			return RevaluedDocument{Document: genString(t, "document"), Account: genString(t, "account"),
				Kind: invoice.Kind(rapid.Uint8().Draw(t, "kind")), Open: genMoney(t, "open"), Booked: genMoney(t, "booked"),
				Rate: genRate(t, "rate"), Revalued: genMoney(t, "revalued"), Difference: genMoney(t, "difference")}
		}),
		Accounts: genList(t, "accounts", func(t *rapid.T) RevaluedAccount {
			return RevaluedAccount{Account: genString(t, "account"), Difference: genMoney(t, "difference")}
		}),
		Unrated: genList(t, "unrated", func(t *rapid.T) string { return genString(t, "id") }),
	}
}

// TestCodecPinsTheRevaluation: the tag and layout of a Revaluation, the
// stored result of RecordUnrealized, must never change.
func TestCodecPinsTheRevaluation(t *testing.T) {
	if tagRevaluation != 13 {
		t.Fatalf("tag %d, stored as 13", tagRevaluation)
	}
	r := Revaluation{
		Documents: []RevaluedDocument{{Document: "D", Account: "a", Kind: invoice.Invoice, Open: money.MustParse("EUR 1.00"),
			Booked: money.MustParse("USD 1.10"), Rate: money.MustParseRate("EUR/USD 1.2"), Revalued: money.MustParse("USD 1.20"),
			Difference: money.MustParse("USD 0.10")}},
		Accounts: []RevaluedAccount{{Account: "a", Difference: money.MustParse("USD 0.10")}},
		Unrated:  []string{"G"},
	}
	b, err := encodeResult(r)
	if err != nil {
		t.Fatal(err)
	}
	const want = "020d000201440161010845555220312e30300855534420312e31300b4555522f55534420312e320855534420312e32300855534420302e31300201610855534420302e3130020147"
	if got := hex.EncodeToString(b); got != want {
		t.Errorf("Revaluation encodes as\n%s\nwant\n%s", got, want)
	}
	var back Revaluation
	if err := decodeResult(b, &back); err != nil || back.Documents[0].Rate.String() != "EUR/USD 1.2" || back.Unrated[0] != "G" {
		t.Errorf("decoded %+v, %v", back, err)
	}
}
