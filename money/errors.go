package money

import "errors"

// Errors returned by this package. Callers branch on them with errors.Is; the
// returned errors wrap them with the offending input.
var (
	// ErrInvalidAmount: not a plain decimal, NaN, infinite, too long, too many
	// digits, or a result too large to hold exactly.
	ErrInvalidAmount = errors.New("money: invalid amount")
	// ErrTooManyDecimals: more decimals than the currency's minor units.
	ErrTooManyDecimals = errors.New("money: more decimals than the currency allows")
	// ErrInvalidCurrency: not an upper-case ISO 4217 code of a currency that
	// can be held (XXX, test and precious-metal codes are refused).
	ErrInvalidCurrency = errors.New("money: invalid currency")
	// ErrCurrencyMismatch: an operation mixed two currencies.
	ErrCurrencyMismatch = errors.New("money: currency mismatch")
	// ErrInvalidRate: an exchange rate that is not a positive plain decimal
	// between two different valid currencies.
	ErrInvalidRate = errors.New("money: invalid exchange rate")
)
