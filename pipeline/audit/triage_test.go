package audit

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"stcrecon/pipeline/storetest"
)

// Every single edit of a ledger serial, at every position, is found as a typo
// of it: the four lookup keys of sql/audit/triage.sql together leave no
// position out, for a serial of the claim's length and one shorter or longer:
// for long serials whose last 3 characters are digits or not (a typo bucket's
// rows are told back by their tail3, or by trying each ending), one of 8
// characters (the shortest with typo buckets) and one shorter than the 8
// characters a tail key covers.
func TestTriageFindsEveryOneEditTypo(t *testing.T) {
	for _, serial := range []string{"AB1234567890XY", "JK0012345678", "AB-45678", "K7M25"} {
		t.Run(serial, func(t *testing.T) { testTriageFindsEveryOneEditTypo(t, serial) })
	}
}

func testTriageFindsEveryOneEditTypo(t *testing.T, serial string) {
	variants := map[string]bool{}
	for i := 0; i <= len(serial); i++ {
		variants[serial[:i]+"Q"+serial[i:]] = true // insertion
		if i == len(serial) {
			break
		}
		variants[serial[:i]+"Q"+serial[i+1:]] = true // substitution
		variants[serial[:i]+serial[i+1:]] = true     // deletion
		if i+1 < len(serial) && serial[i] != serial[i+1] {
			variants[serial[:i]+serial[i+1:i+2]+serial[i:i+1]+serial[i+2:]] = true // adjacent swap
		}
	}
	var list []string
	for v := range variants {
		list = append(list, v)
	}
	sort.Strings(list)
	var claims strings.Builder
	claims.WriteString(claimsHeader)
	var want []string
	for i, v := range list {
		id := fmt.Sprintf("PVT%03d", i)
		fmt.Fprintf(&claims, "%s,2025-03-20,2025-03-01,2000,0.400,1,Jinko Solar,JKM400,Fronius,Primo,Primo 5.0,6,3,I-1,%s,F001\n", id, v)
		want = append(want, id+"|"+v+"|likely typo of "+serial)
	}
	files := map[string]string{
		"claims_1.csv": claims.String(),
		"panel_ledger_t.csv": "supplier_name,licensee,model_number,serial_number,uploaded_at\n" +
			"Acme Imports,Jinko Solar,JKM400," + serial + ",2024-06-01\n",
	}
	st, run := auditCase(t, mustConfig(t), files, []string{"panel_ledger_t.csv", "claims_1.csv"})
	got := storetest.Query(t, st.DB, `SELECT claim_id, serial_number, split_part(detail, ';', 1) FROM findings
		WHERE run_id = ? AND rule = 'panel.not_in_ledger' ORDER BY claim_id`, run.ID)
	storetest.AssertRows(t, got, want...)
}
