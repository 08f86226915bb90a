package invoice_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

func TestValidateLabels(t *testing.T) {
	full := map[string]string{}
	for i := range invoice.MaxLabels {
		full[fmt.Sprintf("%0*d", invoice.MaxLabelKeyLen, i)] = strings.Repeat("v", invoice.MaxLabelValueLen)
	}
	for name, labels := range map[string]map[string]string{
		"none":               nil,
		"empty":              {},
		"an empty value":     {"k": ""},
		"at every limit":     full,
		"multi-byte text":    {"製品": "ストレージ"},
		"a numeric priority": {"priority": "-3"},
	} {
		if err := invoice.ValidateLabels(labels); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	tooMany := map[string]string{"extra": ""}
	for k, v := range full {
		tooMany[k] = v
	}
	for name, labels := range map[string]map[string]string{
		"too many":          tooMany,
		"an empty key":      {"": "v"},
		"a key too long":    {strings.Repeat("k", invoice.MaxLabelKeyLen+1): "v"},
		"a value too long":  {"k": strings.Repeat("v", invoice.MaxLabelValueLen+1)},
		"a NUL in a key":    {"k\x00": "v"},
		"a NUL in a value":  {"k": "\x00"},
		"invalid UTF-8 key": {"\xff": "v"},
		"invalid UTF-8":     {"k": "\xc3"},
	} {
		err := invoice.ValidateLabels(labels)
		if !errors.Is(err, invoice.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
		// Validate of a document refuses them too, naming the document.
		d := invoice.Document{ID: "CM-1", Account: "a", Kind: invoice.CreditMemo, Amount: money.MustParse("USD 1.00"),
			Open: money.MustParse("USD 1.00"), Issued: day, Status: invoice.Open, Labels: labels}
		if err := d.Validate(); !errors.Is(err, invoice.ErrInvalid) || !strings.Contains(err.Error(), `"CM-1"`) {
			t.Errorf("%s: Validate: %v", name, err)
		}
	}
}

func TestCloneLabels(t *testing.T) {
	if invoice.CloneLabels(nil) != nil || invoice.CloneLabels(map[string]string{}) != nil {
		t.Error("no labels should clone to nil")
	}
	m := map[string]string{"a": "1"}
	c := invoice.CloneLabels(m)
	c["a"] = "2"
	if m["a"] != "1" {
		t.Error("the clone shares the map")
	}
}
