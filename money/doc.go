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
// Add and Sub of two amounts whose coefficients fit in an int64 (every
// amount below about 92 quadrillion units) are done as exact integer sums
// with an overflow check, which gives the same result as the context without
// its rounding machinery; any other case goes through the context.
//
// An amount has at most [MaxDigits] significant digits, counting its minor
// units, and a sum or difference beyond that is ErrInvalidAmount, so every
// Money there is prints and parses back.
//
// Values are immutable: every operation writes into a fresh value and none
// shares the big-integer storage of another; [Money.Decimal] and
// [Rate.Value] return copies.
//
// Bad input is a typed error (errors.Is against the Err variables), never a
// panic: NaN, sNaN, infinities, exponents, grouping, signs other than a
// leading minus, more decimals than the currency has, unknown, lower-case,
// test and metal currency codes. Text longer than [MaxTextLen] is refused on
// its length alone, before a byte of it is read, so a hostile megabyte costs
// no more than a short amount.
//
// Text forms: [Money.String] is for people ("USD 22,400.00", thousands
// grouped with commas, a leading minus for negative amounts, all the
// currency's decimals); [Money.MarshalText] is the canonical machine form
// ("USD 22400.00"), which [Parse] reads back exactly and which JSON uses.
// [Rate] prints and parses as "USD/EUR 0.8928" and [Currency] as its code.
// The zero Money, Rate and Currency print as "" and "" reads back as them.
// Negative zero is normalised to zero on input and in every result: a sign on
// zero carries no meaning in a ledger, and "-0.00" in a history grid would
// only confuse its reader.
//
// Start with [Parse], [New] or [FromMinor].
package money
