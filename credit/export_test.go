package credit

// LatchRefs is how many operations of l hold, or wait for, the latch of
// account in namespace ns.
func LatchRefs(l *Ledger, ns, account string) int {
	l.latches.mu.Lock()
	defer l.latches.mu.Unlock()
	if e := l.latches.m[latchKey(ns, account)]; e != nil {
		return e.refs
	}
	return 0
}

// Sentinels lists every sentinel of the package, for tests that check an
// error wraps exactly one.
var Sentinels = sentinels

// Words spells a method name as error messages do.
var Words = words
