package reports

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"stcrecon/configs"
	"stcrecon/pipeline/audit"
	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/storetest"
)

// The supplier list and the ledger name the legal entity (`Jinko Solar Co
// Ltd`) and the supplier in different forms (`Solar Juice Pty Ltd`, `SOLAR
// JUICE`); the claim says the trading brand (`Jinko`). The reports compare
// them by the audit's keys (contract §3), so:
//   - K001, uploaded by SOLAR JUICE after the installation: late_upload of
//     Solar Juice Pty Ltd;
//   - K002, uploaded by Other Supplier (authorised for Trina only):
//     unauthorised_upload of Other Supplier, as the audit found;
//   - K003, in no ledger entry: missing_from_ledger of Solar Juice, authorised
//     for Jinko Solar Co Ltd, which the claim calls Jinko;
//   - K004, uploaded by Solar Juice under `Jinko`: authorised through the
//     alias, no item and no finding;
//   - the claim is put down to Solar Juice Pty Ltd (3 of its 4 serials) in
//     by_supplier.
func TestReportsMatchNamesByKey(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	paths := []string{
		filepath.Join("testdata", "store", "cec_modules_2025.csv"),
		filepath.Join("testdata", "store", "cec_inverters_2025.csv"),
		storetest.WriteFile(t, tmp, "suppliers_keys.csv", `supplier_name,abn,product,brand,authorised_from,authorised_to
Solar Juice Pty Ltd,,panel,Jinko Solar Co Ltd,2024-01-01,
Other Supplier Pty Ltd,,panel,Trina Solar,2024-01-01,
`),
		storetest.WriteFile(t, tmp, "panel_ledger_keys.csv", `supplier_name,licensee,model_number,serial_number,uploaded_at
SOLAR JUICE,Jinko Solar Co Ltd,JKM400,K001,2025-05-01
Other Supplier Pty Ltd,Jinko,JKM400,K002,2024-06-01
Solar Juice Pty Ltd,Jinko,JKM400,K004,2024-06-01
`),
		storetest.WriteFile(t, tmp, "claims_keys.csv", `claim_id,submitted_on,installed_on,postcode,rated_output_kw,panel_count,panel_brand,panel_model,inverter_manufacturer,inverter_series,inverter_model,deeming_years,stcs_claimed,installer_id,panel_serials,inverter_serials
K1,2025-04-02,2025-03-01,2000,1.600,4,Jinko,JKM400,Fronius,Primo,Primo 5.0,6,5,I-1,K001;K002;K003;K004,F9
`),
	}
	mustIngest(t, &ingest.Ingester{Store: st, Now: func() time.Time { return storetest.Now }}, paths...)
	run, err := (&audit.Auditor{Store: st, Config: cfg, Now: func() time.Time { return storetest.Now }}).Run(ctx, true)
	if err != nil {
		t.Fatal(err)
	}

	out, err := WriteNotices(ctx, st.DB, run.Names, cfg.Notices, storetest.Now, filepath.Join(tmp, "notices"))
	if err != nil {
		t.Fatal(err)
	}
	_, index := readCSV(t, out.Index)
	var items []string
	for i, f := range out.Folders {
		_, ev := readCSV(t, filepath.Join(f, "evidence.csv"))
		for _, r := range ev {
			items = append(items, index[i][0]+" "+r[0]+" "+r[1]+" "+r[2])
		}
	}
	sort.Strings(items)
	want := []string{
		"Other Supplier Pty Ltd unauthorised_upload K1 K002",
		"Solar Juice Pty Ltd late_upload K1 K001",
		"Solar Juice Pty Ltd missing_from_ledger K1 K003",
	}
	if got := strings.Join(items, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("notice items:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}

	// The unauthorised uploads the notices put to suppliers are exactly the
	// audit's panel.unauthorised_supplier findings.
	found := storetest.Query(t, st.DB, `SELECT claim_id || ' ' || serial_number FROM findings
		WHERE run_id = ? AND rule = 'panel.unauthorised_supplier' ORDER BY ALL`, run.ID)
	var noticed []string
	for _, it := range items {
		if f := strings.Fields(it); f[len(f)-3] == "unauthorised_upload" {
			noticed = append(noticed, f[len(f)-2]+" "+f[len(f)-1])
		}
	}
	if strings.Join(found, ";") != strings.Join(noticed, ";") {
		t.Errorf("audit found unauthorised uploads %v, the notices %v", found, noticed)
	}

	comp, err := WriteCompliance(ctx, st.DB, run.Names, day("2025-04-01"), day("2025-04-30"), storetest.Now, filepath.Join(tmp, "compliance"))
	if err != nil {
		t.Fatal(err)
	}
	_, rows := readCSV(t, filepath.Join(comp.Dir, "by_supplier.csv"))
	if len(rows) != 1 || rows[0][0] != "Solar Juice Pty Ltd" || rows[0][1] != "1" {
		t.Errorf("by_supplier: %v, want K1 put down to Solar Juice Pty Ltd", rows)
	}
}
