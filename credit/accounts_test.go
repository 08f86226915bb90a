package credit_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/arcredit/arcredit/credit"
)

// TestAccountsPagesThroughWhatThePrincipalMayRead lists a namespace in
// pages, as an admin and as a member who may read one account only.
func TestAccountsPagesThroughWhatThePrincipalMayRead(t *testing.T) {
	f := newFixtureWith(t, credit.DefaultRoles(), credit.Options{})
	var want []string
	for i := range 7 {
		id := fmt.Sprintf("acct-%d", i)
		f.open(id, "USD", credit.Term, "")
		want = append(want, id)
	}
	list := func(p credit.Principal, limit int) []string {
		var got []string
		after := ""
		for range 20 {
			page, err := f.l.Accounts(ctx, p, credit.AccountsRequest{After: after, Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				return got
			}
			for _, a := range page {
				got = append(got, a.ID)
			}
			after = page[len(page)-1].ID
		}
		t.Fatal("listing did not end")
		return nil
	}
	if got := list(admin, 3); !slices.Equal(got, want) {
		t.Errorf("admin pages of 3: %v, want %v", got, want)
	}
	member := credit.Principal{ID: "m", Namespace: ns, Roles: []string{credit.RoleMember}, Account: "acct-5"}
	if got := list(member, 2); !slices.Equal(got, []string{"acct-5"}) {
		t.Errorf("member: %v, want only its own account", got)
	}
	other := credit.Principal{ID: "o", Namespace: "elsewhere", Roles: []string{credit.RoleAdmin}}
	if got := list(other, 0); len(got) != 0 {
		t.Errorf("another namespace sees %v", got)
	}
	if _, err := f.l.Accounts(ctx, admin, credit.AccountsRequest{Limit: credit.MaxPage + 1}); !errors.Is(err, credit.ErrInvalidRequest) {
		t.Errorf("limit above MaxPage: %v", err)
	}
}
