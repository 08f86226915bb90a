package invoice

import (
	"fmt"
	"maps"
	"strings"
	"unicode/utf8"
)

// Limits on a document's labels.
const (
	MaxLabels        = 16  // labels on one document
	MaxLabelKeyLen   = 64  // bytes in a label's key
	MaxLabelValueLen = 256 // bytes in a label's value
)

// ValidateLabels checks a set of labels against the limits: at most
// MaxLabels of them, each key 1 to MaxLabelKeyLen bytes and each value at
// most MaxLabelValueLen bytes, all UTF-8 without NUL. Errors wrap
// ErrInvalid and name no key or value (they may be anything).
func ValidateLabels(labels map[string]string) error {
	if len(labels) > MaxLabels {
		return fmt.Errorf("%w: %d labels, more than %d", ErrInvalid, len(labels), MaxLabels)
	}
	for k, v := range labels {
		if k == "" || len(k) > MaxLabelKeyLen || !plainText(k) {
			return fmt.Errorf("%w: a label key must be 1 to %d bytes of UTF-8 without NUL", ErrInvalid, MaxLabelKeyLen)
		}
		if len(v) > MaxLabelValueLen || !plainText(v) {
			return fmt.Errorf("%w: a label value must be at most %d bytes of UTF-8 without NUL", ErrInvalid, MaxLabelValueLen)
		}
	}
	return nil
}

func plainText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

// CloneLabels returns a copy of labels that shares nothing with it, or nil
// when there are none: a document's labels are nil or hold at least one
// label, so that a stored document reads back equal to the one written.
func CloneLabels(labels map[string]string) map[string]string {
	if len(labels) == 0 {
		return nil
	}
	return maps.Clone(labels)
}
