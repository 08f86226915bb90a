package allocate

import (
	"cmp"
	"encoding/binary"
	"strings"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// This file holds the greedy engine the built-in policies share. A policy
// decides two orders (of the debits to pay and of the credits to use); the
// engine walks the debits in their order and pays each from the credits in
// theirs, keeping every rule of the request.

// entry is a document of the request in a policy's order: its index in
// req.Debits or req.Credits, its issue date as OldestFirst sorts it, and
// the first eight bytes of its ID, which settle most ties without reading
// the ID. It is small (24 bytes), so that sorting moves little memory.
type entry struct {
	sec  int64  // issue date, Unix seconds
	nsec int32  // and nanoseconds
	i    int32  // index in the request's slice
	pfx  uint64 // the ID's first 8 bytes, big-endian, zero-padded
}

// prefix orders like the ID it is taken from, up to ties.
func prefix(id string) uint64 {
	var b [8]byte
	copy(b[:], id)
	return binary.BigEndian.Uint64(b[:])
}

// byID orders two entries of docs by ID.
func byID(docs []invoice.Document, a, b entry) int {
	if a.pfx != b.pfx {
		return cmp.Compare(a.pfx, b.pfx)
	}
	return strings.Compare(docs[a.i].ID, docs[b.i].ID)
}

// slot is what the walk needs of a document, gathered in walk order.
type slot struct {
	id   string
	open money.Money
}

// gather returns the slots of es in order. Its loads are independent, so
// they overlap, where the walk would stall on each scattered document.
func gather(docs []invoice.Document, es []entry) []slot {
	out := make([]slot, len(es))
	for k := range es {
		d := &docs[es[k].i]
		out[k] = slot{id: d.ID, open: d.Open}
	}
	return out
}

// sorter puts es, entries of docs, into a policy's order. The order must be
// total on distinct IDs so that the input order never shows through.
type sorter func(req *Request, docs []invoice.Document, es []entry)

// plan runs the engine: eligible documents only, sorted by the policy, in
// one currency, filled greedily.
func plan(req *Request, debitOrder, creditOrder sorter, reason func(req *Request, d *invoice.Document) string) (Plan, error) {
	capped := req.Cap.IsValid()
	if capped && !req.Cap.IsPositive() {
		return Plan{}, nil
	}
	var capCur money.Currency
	if capped {
		capCur = req.Cap.Currency()
	}
	// Note on the way whether the eligible documents share one currency,
	// while they are read in order, rather than after sorting.
	var cur money.Currency
	mixed := false
	des := make([]entry, 0, len(req.Debits))
	for i := range req.Debits {
		d := &req.Debits[i]
		if debitOK(d) && (!capped || d.Open.Currency() == capCur) {
			des = append(des, newEntry(d, i))
			if c := d.Open.Currency(); c != cur {
				mixed = mixed || !cur.IsZero()
				cur = c
			}
		}
	}
	if len(des) == 0 {
		return Plan{}, nil
	}
	ces := make([]entry, 0, len(req.Credits))
	for i := range req.Credits {
		c := &req.Credits[i]
		if creditOK(c, req) && (!capped || c.Open.Currency() == capCur) {
			ces = append(ces, newEntry(c, i))
			mixed = mixed || c.Open.Currency() != cur
		}
	}
	if len(ces) == 0 {
		return Plan{}, nil
	}
	debitOrder(req, req.Debits, des)
	creditOrder(req, req.Credits, ces)

	// One currency per plan. Usually the request has one; when it mixes
	// several, the plan is in the first currency, in the order of the
	// debits, that pays anything at all.
	fill := fill
	if len(req.Skip) > 0 {
		fill = fillSkipping
	}
	if !mixed {
		return fill(req, des, ces, cur, reason)
	}
	var tried []money.Currency
	for _, e := range des {
		cur := req.Debits[e.i].Open.Currency()
		if contains(tried, cur) {
			continue
		}
		tried = append(tried, cur)
		p, err := fill(req, inCurrency(req.Debits, des, cur), inCurrency(req.Credits, ces, cur), cur, reason)
		if err != nil || len(p.Lines) > 0 {
			return p, err
		}
	}
	return Plan{}, nil
}

func newEntry(d *invoice.Document, i int) entry {
	return entry{sec: d.Issued.Unix(), nsec: int32(d.Issued.Nanosecond()), i: int32(i), pfx: prefix(d.ID)}
}

func inCurrency(docs []invoice.Document, es []entry, cur money.Currency) []entry {
	var out []entry
	for _, e := range es {
		if docs[e.i].Open.Currency() == cur {
			out = append(out, e)
		}
	}
	return out
}

func contains(cs []money.Currency, c money.Currency) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// queues groups the credits, by their position in the credit order, into
// the queues a debit may draw from. Without bill-to matching there is one
// queue of every credit. With it, a credit naming a company is in the
// queue of that company and any other credit in the queue of its person
// (a credit naming neither matches no debit and is in no queue); a debit
// draws from the queue of its company and the queue of its person, which
// are exactly the credits invoice.BillToMatches allows. Each queue keeps the
// credit order, and each credit is in at most one queue, so merging the
// heads of a debit's two queues walks its eligible credits in order.
type queues struct {
	start   []int32 // queue q holds items[start[q]:start[q+1]]
	items   []int32 // positions in the credit order; nil: queue 0 is every position
	head    []int32 // next unexhausted item of each queue
	company map[string]int32
	person  map[string]int32
}

func newQueues(req *Request, cOrd []entry) *queues {
	n := int32(len(cOrd))
	if !req.BillTo {
		return &queues{start: []int32{0, n}, head: []int32{0}}
	}
	q := &queues{company: map[string]int32{}, person: map[string]int32{}}
	of := make([]int32, n)
	var count []int32
	for p := range cOrd {
		bt := req.Credits[cOrd[p].i].BillTo
		var m map[string]int32
		var key string
		switch {
		case bt.Company != "":
			m, key = q.company, bt.Company
		case bt.Person != "":
			m, key = q.person, bt.Person
		default:
			of[p] = -1
			continue
		}
		id, ok := m[key]
		if !ok {
			id = int32(len(count))
			m[key] = id
			count = append(count, 0)
		}
		of[p] = id
		count[id]++
	}
	q.start = make([]int32, len(count)+1)
	for i, c := range count {
		q.start[i+1] = q.start[i] + c
	}
	q.head = append([]int32(nil), q.start[:len(count)]...)
	fillAt := append([]int32(nil), q.head...)
	q.items = make([]int32, q.start[len(count)])
	for p, id := range of {
		if id >= 0 {
			q.items[fillAt[id]] = int32(p)
			fillAt[id]++
		}
	}
	return q
}

// of returns the queues debit d draws from, -1 for none.
func (q *queues) of(d *invoice.Document) (int32, int32) {
	if q.company == nil {
		return 0, -1
	}
	a, b := int32(-1), int32(-1)
	if d.BillTo.Company != "" {
		if id, ok := q.company[d.BillTo.Company]; ok {
			a = id
		}
	}
	if d.BillTo.Person != "" {
		if id, ok := q.person[d.BillTo.Person]; ok {
			b = id
		}
	}
	return a, b
}

// next returns the position of the first credit of queue id not used up,
// or -1.
func (q *queues) next(id int32) int32 {
	if id < 0 || q.head[id] == q.start[id+1] {
		return -1
	}
	if q.items == nil {
		return q.head[id]
	}
	return q.items[q.head[id]]
}

// totals returns what is left in each queue: the sum of its credits' open
// balances, in cur (zero), before any is used.
func (q *queues) totals(cs []slot, zero money.Money) ([]money.Money, error) {
	total := make([]money.Money, len(q.start)-1)
	for id := range total {
		t := zero
		for k := q.start[id]; k < q.start[id+1]; k++ {
			p := k
			if q.items != nil {
				p = q.items[k]
			}
			s, err := t.Add(cs[p].open)
			if err != nil {
				return nil, err
			}
			t = s
		}
		total[id] = t
	}
	return total, nil
}

// covers reports whether what is left in queues qa and qb (-1: none) adds
// up to need, which full cover asks before a debit is paid at all.
func covers(total []money.Money, qa, qb int32, need, zero money.Money) (bool, error) {
	avail := zero
	if qa >= 0 {
		avail = total[qa]
	}
	if qb >= 0 {
		s, err := avail.Add(total[qb])
		if err != nil {
			return false, err
		}
		avail = s
	}
	return !less(avail, need), nil
}

// less reports a < b for two amounts of one currency.
func less(a, b money.Money) bool {
	c, _ := a.Cmp(b)
	return c < 0
}

// portion is what one line takes: the least of what the debit still needs,
// what is left of the credit and, when capped, of the cap; and which of the
// three it uses up (when the cap alone is the least, it uses up the cap
// only).
func portion(need, left, capLeft money.Money, capped bool) (take money.Money, debitDone, creditDone, capDone bool) {
	switch c, _ := need.Cmp(left); {
	case c < 0:
		take, debitDone = need, true
	case c == 0:
		take, debitDone, creditDone = need, true, true
	default:
		take, creditDone = left, true
	}
	if capped {
		switch c, _ := capLeft.Cmp(take); {
		case c < 0:
			take, debitDone, creditDone, capDone = capLeft, false, false, true
		case c == 0:
			capDone = true
		}
	}
	return take, debitDone, creditDone, capDone
}

// fill walks the debits in dOrd and pays each from the credits in cOrd that
// may pay it, in that order. All documents are eligible and in cur.
//
// Under full cover (req.Partial false) a debit is paid only when what is
// left of its eligible credits and of the cap both reach its open balance,
// and then it is paid whole; otherwise it is left untouched and the walk
// goes on to the next. Under partial cover each debit takes all it can, and
// the walk stops when the cap is used up.
//
// Each line uses up its debit, its credit or the cap, so a plan has at most
// len(dOrd)+len(cOrd) lines and the walk is linear. Only the head credit of
// a queue can be partly used (those before it are used up, those after it
// untouched), so what is left is kept per queue, not per credit.
func fill(req *Request, dOrd, cOrd []entry, cur money.Currency, reason func(req *Request, d *invoice.Document) string) (Plan, error) {
	zero := money.Zero(cur)
	ds, cs := gather(req.Debits, dOrd), gather(req.Credits, cOrd)
	q := newQueues(req, cOrd)
	nq := len(q.start) - 1
	left := make([]money.Money, nq) // what is left of the head credit of each queue
	for id := range nq {
		if p := q.next(int32(id)); p >= 0 {
			left[id] = cs[p].open
		}
	}
	full := !req.Partial
	var total []money.Money // what is left in each queue, for full cover
	if full {
		var err error
		if total, err = q.totals(cs, zero); err != nil {
			return Plan{}, err
		}
	}
	capped := req.Cap.IsValid()
	capLeft := req.Cap

	lines := make([]Line, 0, len(dOrd)+len(cOrd))
	for k := range dOrd {
		d := &req.Debits[dOrd[k].i]
		qa, qb := q.of(d)
		if qa < 0 && qb < 0 {
			continue
		}
		need := ds[k].open
		if full {
			ok, err := covers(total, qa, qb, need, zero)
			if err != nil {
				return Plan{}, err
			}
			if !ok || capped && less(capLeft, need) {
				continue
			}
		}
		why := reason(req, d)
		for {
			pa, pb := q.next(qa), q.next(qb)
			qid, p := qa, pa
			if pa < 0 || (pb >= 0 && pb < pa) {
				qid, p = qb, pb
			}
			if p < 0 {
				break
			}
			take, debitDone, creditDone, capDone := portion(need, left[qid], capLeft, capped)
			lines = append(lines, Line{Credit: cs[p].id, Debit: ds[k].id, Amount: take, Reason: why})

			var err error
			if creditDone {
				q.head[qid]++
				if n := q.next(qid); n >= 0 {
					left[qid] = cs[n].open
				}
			} else if left[qid], err = left[qid].Sub(take); err != nil {
				return Plan{}, err
			}
			if full {
				if total[qid], err = total[qid].Sub(take); err != nil {
					return Plan{}, err
				}
			}
			if capDone {
				return Plan{Lines: lines}, nil
			}
			if capped {
				if capLeft, err = capLeft.Sub(take); err != nil {
					return Plan{}, err
				}
			}
			if debitDone {
				break
			}
			if need, err = need.Sub(take); err != nil {
				return Plan{}, err
			}
		}
	}
	if len(lines) == 0 {
		return Plan{}, nil
	}
	return Plan{Lines: lines}, nil
}

// fillSkipping is fill for a request with pairs to skip: the same walk, in
// the same orders and under the same rules, but over every credit for each
// debit, since a skipped pair may leave a later credit partly used before
// an earlier one (fill's queues assume the opposite). It costs
// O(debits × credits); a request skips pairs only when a caller names
// credits again for debits they paid, a cart's worth of documents.
func fillSkipping(req *Request, dOrd, cOrd []entry, cur money.Currency, reason func(req *Request, d *invoice.Document) string) (Plan, error) {
	cs := gather(req.Credits, cOrd)
	left := make([]money.Money, len(cs))
	for k := range cs {
		left[k] = cs[k].open
	}
	may := func(d *invoice.Document, k int) bool {
		c := &req.Credits[cOrd[k].i]
		return left[k].IsPositive() && !req.skipped(c.ID, d.ID) &&
			(!req.BillTo || invoice.BillToMatches(c.BillTo, d.BillTo))
	}
	capped := req.Cap.IsValid()
	capLeft := req.Cap
	var lines []Line
	for _, de := range dOrd {
		d := &req.Debits[de.i]
		need := d.Open
		if !req.Partial {
			avail := money.Zero(cur)
			for k := range cs {
				if may(d, k) {
					avail, _ = avail.Add(left[k])
				}
			}
			if c, _ := avail.Cmp(need); c < 0 {
				continue
			}
			if c, _ := capLeft.Cmp(need); capped && c < 0 {
				continue
			}
		}
		why := reason(req, d)
		for k := range cs {
			if !need.IsPositive() || (capped && !capLeft.IsPositive()) {
				break
			}
			if !may(d, k) {
				continue
			}
			take, _ := need.Min(left[k])
			if capped {
				take, _ = take.Min(capLeft)
				capLeft, _ = capLeft.Sub(take)
			}
			lines = append(lines, Line{Credit: cs[k].id, Debit: d.ID, Amount: take, Reason: why})
			left[k], _ = left[k].Sub(take)
			need, _ = need.Sub(take)
		}
		if capped && !capLeft.IsPositive() {
			break
		}
	}
	if len(lines) == 0 {
		return Plan{}, nil
	}
	return Plan{Lines: lines}, nil
}
