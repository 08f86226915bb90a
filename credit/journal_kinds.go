package credit

// History-entry kinds of write-offs and undone charge backs, named in plain
// receivables words.
const (
	// DebitWrittenOff: part or all of a debit's open balance closed as not
	// collectable (a small residual or a bad debt), with a reason.
	DebitWrittenOff EntryKind = "debit_written_off"
	// WriteOffReversed: a write-off taken back; the debit owes it again.
	WriteOffReversed EntryKind = "write_off_reversed"
	// ChargeBackUndone: a charge back reversed when the dispute is won; the
	// payment counts again.
	ChargeBackUndone EntryKind = "charge_back_undone"
)

// ActWriteOff is the action of writing off a debit, and of reversing a
// write-off (ERPNext and Odoo post such differences to a write-off account,
// which finance controls).
const ActWriteOff Action = "write_off"
