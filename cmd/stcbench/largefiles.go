package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// maxFileRSSMB is data contract §1's bound: no single input file may drive
// ingest past 1.5 GB peak RSS.
const maxFileRSSMB = 1536

// largeFile is an input file made to find what drives ingest's memory: each
// one peaked past the bound at some point (docs/performance.md, twelfth to
// fourteenth sessions).
type largeFile struct {
	name  string
	about string
	rows  int
	row   func(w *bufio.Writer, i int) // writes row i, its line end included
}

const claimsHeaderLine = "claim_id,submitted_on,installed_on,postcode,rated_output_kw,panel_count,panel_brand,panel_model," +
	"inverter_manufacturer,inverter_series,inverter_model,deeming_years,stcs_claimed,installer_id,panel_serials,inverter_serials\n"

const ledgerHeaderLine = "supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\n"

var largeFiles = []largeFile{
	{"claims_5m_claims.csv", "5M claims, a list of two panels each (590 MB)", 5_000_000, func(w *bufio.Writer, i int) {
		writeClaim(w, fmt.Sprintf("PVM%08d", i), 2, ";", func(j int) string { return fmt.Sprintf("JK%010d%s", i, []string{"", "B"}[j]) })
	}},
	{"claims_2m_comma_lists.csv", "2M claims of 20 panels, each list separated by ', ' (746 MB)", 2_000_000, func(w *bufio.Writer, i int) {
		writeClaim(w, fmt.Sprintf("PVC%08d", i), 20, ", ", func(j int) string { return fmt.Sprintf("JK%08d%02d", i, j) })
	}},
	{"claims_16k_long_rows.csv", "16,000 claims of 4,000 panels, rows of 60 KB (961 MB, 64M listings)", 16_000, func(w *bufio.Writer, i int) {
		writeClaim(w, fmt.Sprintf("PVL%08d", i), 4000, ";", func(j int) string { return fmt.Sprintf("JK%08d%04d", i, j) })
	}},
	{"panel_ledger_2m5_tabs.csv", "2.5M ledger rows, each with a tab: every row a reject (232 MB)", 2_500_000, func(w *bufio.Writer, i int) {
		fmt.Fprintf(w, "Krannich Solar Australia Pty Ltd\t,Canadian Solar,CS6R-410MS,CS%012d,2024-01-01T08:01:26,valid,\n", i)
	}},
	{"panel_ledger_12m_fullwidth.csv", "12.5M ledger rows, each serial with a full-width letter: every row normalised (1.2 GB)", 12_500_000, func(w *bufio.Writer, i int) {
		fmt.Fprintf(w, "One Stop Warehouse Pty Ltd,LONGi,LR5-54HTH-430M,ＳLR%012d,2024-01-01T08:00:28,valid,\n", i)
	}},
}

// writeClaim writes one claims row: the claim id, n panels whose serials
// panel(j) gives joined by sep (the cell quoted when sep holds a comma), and
// one inverter; every other cell valid.
func writeClaim(w *bufio.Writer, id string, n int, sep string, panel func(j int) string) {
	fmt.Fprintf(w, "%s,2025-03-20,2025-03-01,2000,6.6,%d,Jinko,JKM400,Fronius,,Primo,6,54,,", id, n)
	quote := strings.Contains(sep, ",")
	if quote {
		w.WriteByte('"')
	}
	for j := range n {
		if j > 0 {
			w.WriteString(sep)
		}
		w.WriteString(panel(j))
	}
	if quote {
		w.WriteByte('"')
	}
	fmt.Fprintf(w, ",FR%s\n", id[3:])
}

// header is the file's header line, by its kind.
func (f largeFile) header() string {
	if strings.HasPrefix(f.name, "claims") {
		return claimsHeaderLine
	}
	return ledgerHeaderLine
}

// write makes the file at path once: a file already there is kept (it is
// written under a temporary name and renamed when complete).
func (f largeFile) write(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	tmp := path + ".part"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	w.WriteString(f.header())
	for i := range f.rows {
		f.row(w, i)
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// benchLargeFiles makes the large files once into root/large and ingests each
// alone into a fresh store, reporting its wall time and peak RSS against the
// bound. It fails when a file goes past it.
func benchLargeFiles(ctx context.Context, root string, stcrecon func(...string) []string, logf func(string, ...any)) error {
	dir := filepath.Join(root, "large")
	work := filepath.Join(dir, "run")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	m := &meter{logs: filepath.Join(work, "log"), logf: logf}
	var results []phase
	var over []string
	for _, f := range largeFiles {
		path := filepath.Join(dir, f.name)
		logf("%s: %s", f.name, f.about)
		if err := f.write(path); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		if err := os.RemoveAll(filepath.Join(work, "store")); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(work, "store"), 0o755); err != nil {
			return err
		}
		db := filepath.Join(work, "store", "stcrecon.duckdb")
		p, err := m.measure(ctx, strings.TrimSuffix(f.name, ".csv"), stcrecon("ingest", "--db", db, path)...)
		if err != nil {
			return err
		}
		results = append(results, p)
		if p.rssMB > maxFileRSSMB {
			over = append(over, f.name)
		}
	}
	if err := os.RemoveAll(filepath.Join(work, "store")); err != nil {
		return err
	}
	fmt.Printf("%-30s %8s %8s %10s  %s\n", "file", "wall s", "cpu s", "peak RSS", "load")
	for _, p := range results {
		within := "within 1.5 GB"
		if p.rssMB > maxFileRSSMB {
			within = "PAST 1.5 GB"
		}
		fmt.Printf("%-30s %8.2f %8.2f %7.0f MB  %-5s %s\n", p.name, p.wall.Seconds(), p.cpu.Seconds(), p.rssMB, p.load, within)
	}
	fmt.Printf("bench: large files: %d of %d within data contract §1's 1.5 GB a file\n", len(results)-len(over), len(results))
	if len(over) > 0 {
		return fmt.Errorf("past 1.5 GB peak RSS: %s", strings.Join(over, ", "))
	}
	return nil
}
