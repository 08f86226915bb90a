package credit

import (
	"encoding/hex"
	"testing"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// TestCodecPinsTheResultsOfWriteOffsAndChargeBacks: the tags and layouts of
// WriteOffResult, ChargeBackResult and UndoChargeBackResult are stored and
// must never change. A RefundResult that takes nothing back encodes
// exactly as before TakeBack; ApplyResult ends with its WriteOffs.
func TestCodecPinsTheResultsOfWriteOffsAndChargeBacks(t *testing.T) {
	if tagWriteOff != 16 || tagChargeBack != 17 || tagUndoChargeBack != 18 {
		t.Fatalf("tags %d %d %d, stored as 16 17 18", tagWriteOff, tagChargeBack, tagUndoChargeBack)
	}
	doc := invoice.Document{ID: "D", Account: "a", Kind: invoice.CreditGrant, Amount: money.MustParse("USD 1.00"),
		Open: money.MustParse("USD 0.00"), Status: invoice.Closed, Version: 2}
	app := Application{ID: "x", Credit: "D", Debit: "I", Amount: money.MustParse("USD 1.00"), Policy: WriteOffPolicy}
	for _, c := range []struct {
		name string
		r    any
		want string
	}{
		{"WriteOffResult", WriteOffResult{Debit: doc, WriteOff: doc, Applications: []Application{app}},
			"021001440161060855534420312e30300855534420302e303000000000040000000000040000000001440161060855534420312e30300855534420302e30300000000004000000000004000000000201780144014900000855534420312e3030000977726974655f6f666600000000000000000000"},
		{"ChargeBackResult", ChargeBackResult{Payment: doc, ChargeBack: doc, Reversals: []Application{app}},
			"021101440161060855534420312e30300855534420302e303000000000040000000000040000000001440161060855534420312e30300855534420302e30300000000004000000000004000000000201780144014900000855534420312e3030000977726974655f6f66660000000000000000000000"},
		{"UndoChargeBackResult", UndoChargeBackResult{Payment: doc, ChargeBack: doc},
			"021201440161060855534420312e30300855534420302e303000000000040000000000040000000001440161060855534420312e30300855534420302e3030000000000400000000000400000000000000000000"},
		{"RefundResult", RefundResult{Document: doc},
			"020c01440161060855534420312e30300855534420302e30300000000004000000000004000000000000000000"},
		{"RefundResult taking back", RefundResult{Document: doc, Reversals: []Application{app}},
			"020c01440161060855534420312e30300855534420302e303000000000040000000000040000000000000000000201780144014900000855534420312e3030000977726974655f6f6666000000000000"},
		{"ApplyResult", ApplyResult{Operation: "op"},
			"0204026f70000000000000"},
	} {
		b, err := encodeResult(c.r)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(b); got != c.want {
			t.Errorf("%s encodes as\n%s\nwant\n%s", c.name, got, c.want)
		}
	}
}
