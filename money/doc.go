// Package money holds exact amounts of money in ISO 4217 currencies and the
// exchange rates between them.
//
// A [Money] is an exact decimal (an apd.Decimal, never a float) in a
// [Currency] whose minor units come from golang.org/x/text/currency: USD has
// two decimals, JPY none, BHD three. An amount never carries more decimals
// than its currency allows: "12.345" USD is an error, not a silent rounding.
// Arithmetic runs through one shared apd.Context with Inexact, Overflow and
// InvalidOperation trapped, so a result that would need rounding is reported
// as an error. The only place that rounds is [Rate.Convert], which rounds
// half-even to the target currency and returns the rounding difference so
// that it can be recorded.
//
// Values are immutable: every operation writes into a fresh value and none
// shares the big-integer storage of another.
//
// Text forms: [Money.String] is for people ("USD 22,400.00", thousands
// grouped with commas); [Money.MarshalText] is the canonical machine form
// ("USD 22400.00"), which [Parse] reads back exactly and which JSON uses.
// Negative zero is normalised to zero on input and in every result: a sign on
// zero carries no meaning in a ledger, and "-0.00" in a history grid would
// only confuse its reader.
//
// Start with [Parse], [New] or [FromMinor].
package money
