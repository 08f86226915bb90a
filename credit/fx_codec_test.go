package credit

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// afterVersion1 names the result types made after format version 1, which
// was never written with them.
var afterVersion1 = map[string]bool{"WriteOffResult": true, "ChargeBackResult": true, "UndoChargeBackResult": true,
	"MoveBalanceResult": true, "Revaluation": true}

// TestCodecReadsVersion1: results stored in format version 1, before
// documents and applications carried foreign figures, decode to the values
// that were stored (committed fixtures written by the version 1 encoder),
// with no foreign figures.
func TestCodecReadsVersion1(t *testing.T) {
	for _, c := range codecCases() {
		if afterVersion1[c.name] {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata/results_v1", c.name+".bin"))
			if err != nil {
				t.Fatal(err)
			}
			if b[0] != formatV1 {
				t.Fatalf("fixture is version %d", b[0])
			}
			got, err := c.decode(b)
			if err != nil {
				t.Fatalf("decodeResult: %v", err)
			}
			if d := cmp.Diff(c.sample, got); d != "" {
				t.Errorf("version 1 result decoded differently (-want +got):\n%s", d)
			}
			// The version 2 encoding of a value holding documents or
			// applications is longer: it carries their (empty) foreign figures.
			b2, err := encodeResult(got)
			if err != nil {
				t.Fatal(err)
			}
			if b2[0] != resultFormat || (c.name != "Account" && len(b2) <= len(b)) {
				t.Errorf("version 2 encoding: first byte %d, %d bytes against %d", b2[0], len(b2), len(b))
			}
		})
	}
}

// TestCodecForeignFigures: a foreign document and the application of one
// keep their rate and functional figures through a stored result, and the
// zero Money of a domestic one stays apart from a zero amount.
func TestCodecForeignFigures(t *testing.T) {
	doc := sampleDocument("INV-EUR", invoice.Invoice)
	doc.Amount, doc.Open = money.MustParse("EUR 1000.00"), money.MustParse("EUR 600.00")
	doc.Rate = money.MustParseRate("EUR/USD 1.10")
	doc.Functional, doc.FunctionalOpen = money.MustParse("USD 1100.00"), money.MustParse("USD 660.00")
	app := sampleApplication("A-EUR")
	app.Amount = money.MustParse("EUR 400.00")
	app.DebitValue, app.Difference = money.MustParse("USD 440.00"), money.MustParse("USD -20.00")
	zero := sampleApplication("A-0")
	zero.DebitValue, zero.Difference = money.MustParse("USD 0.00"), money.MustParse("USD 0.00")
	want := DebitResult{Document: doc, Applications: []Application{app, zero, sampleApplication("A-USD")}}
	b, err := encodeResult(want)
	if err != nil {
		t.Fatal(err)
	}
	var got DebitResult
	if err := decodeResult(b, &got); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if got.Applications[2].DebitValue.IsValid() {
		t.Errorf("a domestic application decoded with a debit value %s", got.Applications[2].DebitValue)
	}
}
