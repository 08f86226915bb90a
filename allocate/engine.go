package allocate

import (
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// This file holds the greedy engine the built-in policies share. A policy
// decides two orders (of the debits to pay and of the credits to use); the
// engine walks the debits in their order and pays each from the credits in
// theirs, keeping every rule of the request.

// sorter puts idx, indices into docs, into a policy's order. The order must
// be total on distinct IDs so that the input order never shows through.
type sorter func(req *Request, docs []invoice.Document, idx []int32)

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
	dIdx := make([]int32, 0, len(req.Debits))
	for i := range req.Debits {
		d := &req.Debits[i]
		if debitOK(d) && (!capped || d.Open.Currency() == capCur) {
			dIdx = append(dIdx, int32(i))
		}
	}
	if len(dIdx) == 0 {
		return Plan{}, nil
	}
	cIdx := make([]int32, 0, len(req.Credits))
	for i := range req.Credits {
		c := &req.Credits[i]
		if creditOK(c, req) && (!capped || c.Open.Currency() == capCur) {
			cIdx = append(cIdx, int32(i))
		}
	}
	if len(cIdx) == 0 {
		return Plan{}, nil
	}
	debitOrder(req, req.Debits, dIdx)
	creditOrder(req, req.Credits, cIdx)

	// One currency per plan. Usually the request has one; when it mixes
	// several, the plan is in the first currency, in the order of the
	// debits, that pays anything at all.
	cur := req.Debits[dIdx[0]].Open.Currency()
	if oneCurrency(req.Debits, dIdx, cur) && oneCurrency(req.Credits, cIdx, cur) {
		return fill(req, dIdx, cIdx, cur, reason)
	}
	var tried []money.Currency
	for _, di := range dIdx {
		cur := req.Debits[di].Open.Currency()
		if contains(tried, cur) {
			continue
		}
		tried = append(tried, cur)
		p, err := fill(req, inCurrency(req.Debits, dIdx, cur), inCurrency(req.Credits, cIdx, cur), cur, reason)
		if err != nil || len(p.Lines) > 0 {
			return p, err
		}
	}
	return Plan{}, nil
}

func oneCurrency(docs []invoice.Document, idx []int32, cur money.Currency) bool {
	for _, i := range idx {
		if docs[i].Open.Currency() != cur {
			return false
		}
	}
	return true
}

func inCurrency(docs []invoice.Document, idx []int32, cur money.Currency) []int32 {
	var out []int32
	for _, i := range idx {
		if docs[i].Open.Currency() == cur {
			out = append(out, i)
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

func newQueues(req *Request, cOrd []int32) *queues {
	n := int32(len(cOrd))
	if !req.BillTo {
		return &queues{start: []int32{0, n}, head: []int32{0}}
	}
	q := &queues{company: map[string]int32{}, person: map[string]int32{}}
	of := make([]int32, n)
	var count []int32
	for p, ci := range cOrd {
		bt := req.Credits[ci].BillTo
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
// len(dOrd)+len(cOrd) lines and the walk is linear.
func fill(req *Request, dOrd, cOrd []int32, cur money.Currency, reason func(req *Request, d *invoice.Document) string) (Plan, error) {
	zero := money.Zero(cur)
	rem := make([]money.Money, len(cOrd))
	for p, ci := range cOrd {
		rem[p] = req.Credits[ci].Open
	}
	q := newQueues(req, cOrd)
	full := !req.Partial
	var total []money.Money // what is left in each queue, for full cover
	if full {
		total = make([]money.Money, len(q.start)-1)
		for id := range total {
			total[id] = zero
		}
		for id := range total {
			for k := q.start[id]; k < q.start[id+1]; k++ {
				p := k
				if q.items != nil {
					p = q.items[k]
				}
				s, err := total[id].Add(rem[p])
				if err != nil {
					return Plan{}, err
				}
				total[id] = s
			}
		}
	}
	capped := req.Cap.IsValid()
	capLeft := req.Cap

	lines := make([]Line, 0, len(dOrd)+len(cOrd))
	for _, di := range dOrd {
		d := &req.Debits[di]
		qa, qb := q.of(d)
		if qa < 0 && qb < 0 {
			continue
		}
		need := d.Open
		if full {
			avail := zero
			if qa >= 0 {
				avail = total[qa]
			}
			if qb >= 0 {
				s, err := avail.Add(total[qb])
				if err != nil {
					return Plan{}, err
				}
				avail = s
			}
			if c, _ := avail.Cmp(need); c < 0 {
				continue
			}
			if capped {
				if c, _ := capLeft.Cmp(need); c < 0 {
					continue
				}
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
			// take = min(need, rem[p], capLeft), noting what it uses up.
			var take money.Money
			debitDone, creditDone := false, false
			switch c, _ := need.Cmp(rem[p]); {
			case c < 0:
				take, debitDone = need, true
			case c == 0:
				take, debitDone, creditDone = need, true, true
			default:
				take, creditDone = rem[p], true
			}
			capDone := false
			if capped {
				switch c, _ := capLeft.Cmp(take); {
				case c < 0:
					take, debitDone, creditDone, capDone = capLeft, false, false, true
				case c == 0:
					capDone = true
				}
			}
			lines = append(lines, Line{Credit: req.Credits[cOrd[p]].ID, Debit: d.ID, Amount: take, Reason: why})

			var err error
			if creditDone {
				rem[p] = zero
				q.head[qid]++
			} else if rem[p], err = rem[p].Sub(take); err != nil {
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
