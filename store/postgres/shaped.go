package postgres

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgtype"
)

// A small batch (an Apply: one account, two documents, one application,
// one entry, one key) is written by a statement of its own shape: the
// write statement with each unnest of array parameters replaced by a
// VALUES list of one row per record, each column a scalar parameter.
// The server then builds no function scan over arrays and no tuplestore
// for each kind, and decodes scalars instead of arrays, for the same
// checks and writes in the same order. The text depends only on how many
// records of each kind the batch holds (at most maxShaped), so a handful
// of texts cover the small batches; each is prepared once per connection
// and keeps one generic plan. Larger batches use the array statement.

// maxShaped is the most records of one kind a shaped statement holds: two
// (the credit and the debit of an Apply; the entries of two accounts)
// keeps the shapes few, at most three counts of each of six kinds, so
// that they stay in pgx's cache of prepared statements (512 per
// connection).
const maxShaped = 2

var (
	// unnestArrays matches an unnest of array parameters, each written
	// $n::type[] or (SELECT $n::type[]).
	unnestArrays = regexp.MustCompile(`unnest\(((?:\s*(?:\(SELECT \$\d+::\w+\[\]\)|\$\d+::\w+\[\])\s*,?)+)\)`)
	arrayParam   = regexp.MustCompile(`\$(\d+)::(\w+)\[\]`)
	anyParam     = regexp.MustCompile(`\$(\d+)`)
)

// shapedArg is a parameter of a shaped statement: the argument src of the
// array statement, or its element elem when elem >= 0.
type shapedArg struct{ src, elem int }

// shaped is the statement of one shape and where its arguments come from.
type shaped struct {
	sql  string
	args []shapedArg
}

// shapes caches the shaped statements of one array statement by the
// lengths of its array arguments.
type shapes struct {
	sql string
	mu  sync.RWMutex
	m   map[string]*shaped
}

// maxArrays bounds the array arguments of a statement whose shapes are
// cached: the key of a shape is one byte per array argument.
const maxArrays = 128

// statement returns the shaped statement and arguments for args of the
// array statement, and false when the batch is too large for one.
func (s *shapes) statement(args []any) (string, []any, bool) {
	var buf [maxArrays]byte
	key := buf[:0]
	for _, a := range args {
		if n, ok := arrayLen(a); ok {
			if n > maxShaped || len(key) == len(buf) {
				return "", nil, false
			}
			key = append(key, byte('0'+n))
		}
	}
	s.mu.RLock()
	sh := s.m[string(key)] // no allocation: the conversion is only a lookup
	s.mu.RUnlock()
	if sh == nil {
		sh = shape(s.sql, args)
		s.mu.Lock()
		if s.m == nil {
			s.m = map[string]*shaped{}
		}
		if old, ok := s.m[string(key)]; ok {
			sh = old
		} else {
			s.m[string(key)] = sh
		}
		s.mu.Unlock()
	}
	out := make([]any, len(sh.args))
	for i, a := range sh.args {
		if a.elem < 0 {
			out[i] = args[a.src]
		} else {
			out[i] = arrayElem(args[a.src], a.elem)
		}
	}
	return sh.sql, out, true
}

// shape rewrites sql for arrays of the lengths of args.
func shape(sql string, args []any) *shaped {
	sh := &shaped{}
	scalar := map[int]int{} // argument of sql → parameter of the shaped text
	param := func(a shapedArg) string {
		sh.args = append(sh.args, a)
		return "$" + strconv.Itoa(len(sh.args))
	}
	var b strings.Builder
	for sql != "" {
		loc := unnestArrays.FindStringSubmatchIndex(sql)
		head := sql
		if loc != nil {
			head = sql[:loc[0]]
		}
		// Scalar parameters before the unnest keep one number each.
		b.WriteString(anyParam.ReplaceAllStringFunc(head, func(p string) string {
			n, _ := strconv.Atoi(p[1:])
			if k, ok := scalar[n]; ok {
				return "$" + strconv.Itoa(k)
			}
			s := param(shapedArg{src: n - 1, elem: -1})
			scalar[n] = len(sh.args)
			return s
		}))
		if loc == nil {
			break
		}
		cols := arrayParam.FindAllStringSubmatch(sql[loc[2]:loc[3]], -1)
		src := make([]int, len(cols))
		for i, c := range cols {
			n, _ := strconv.Atoi(c[1])
			src[i] = n - 1
		}
		rows, _ := arrayLen(args[src[0]])
		if rows == 0 {
			// No record of this kind: a typed empty relation.
			b.WriteString("(SELECT ")
			for i, c := range cols {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("NULL::" + c[2])
			}
			b.WriteString(" WHERE false)")
		} else {
			b.WriteString("(VALUES ")
			for r := range rows {
				if r > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(")
				for i, c := range cols {
					if i > 0 {
						b.WriteString(", ")
					}
					b.WriteString(param(shapedArg{src: src[i], elem: r}) + "::" + c[2])
				}
				b.WriteString(")")
			}
			b.WriteString(")")
		}
		sql = sql[loc[1]:]
	}
	sh.sql = b.String()
	return sh
}

// arrayLen returns the length of an array argument of the write (a
// column, or a pointer to one), and false for a scalar one.
func arrayLen(a any) (int, bool) {
	switch v := a.(type) {
	case *[]string:
		return len(*v), true
	case *[]*string:
		return len(*v), true
	case *[]int64:
		return len(*v), true
	case *[]bool:
		return len(*v), true
	case *[]pgtype.Timestamptz:
		return len(*v), true
	case *[][]byte:
		return len(*v), true
	case []string:
		return len(v), true
	case []*string:
		return len(v), true
	case []int64:
		return len(v), true
	case []bool:
		return len(v), true
	case []pgtype.Timestamptz:
		return len(v), true
	case [][]byte:
		return len(v), true
	}
	return 0, false
}

// column returns the column a points to, or a when it is not a pointer to
// a column.
func column(a any) any {
	switch v := a.(type) {
	case *[]string:
		return *v
	case *[]*string:
		return *v
	case *[]int64:
		return *v
	case *[]bool:
		return *v
	case *[]pgtype.Timestamptz:
		return *v
	case *[][]byte:
		return *v
	}
	return a
}

// arrayElem returns element i of an array argument (a column, or a
// pointer to one).
func arrayElem(a any, i int) any {
	switch v := a.(type) {
	case *[]string:
		return (*v)[i]
	case *[]*string:
		return textOrNull((*v)[i])
	case *[]int64:
		return (*v)[i]
	case *[]bool:
		return (*v)[i]
	case *[]pgtype.Timestamptz:
		return (*v)[i]
	case *[][]byte:
		return (*v)[i]
	case []string:
		return v[i]
	case []*string:
		return textOrNull(v[i])
	case []int64:
		return v[i]
	case []bool:
		return v[i]
	case []pgtype.Timestamptz:
		return v[i]
	case [][]byte:
		return v[i]
	}
	panic(fmt.Sprintf("postgres: argument of type %T is not an array", a))
}

// textOrNull is the text p points to, or an untyped nil (NULL) for nil:
// pgx encodes a *string through reflection, a string directly.
func textOrNull(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}
