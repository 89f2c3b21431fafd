package ingest

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"stcrecon/pipeline/storetest"
)

const oneClaim = "PVD1,2025-03-20,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,A1;A2;A3,I1\n"

// A file name is read literally, never as a glob: claims_[a].csv is not its
// neighbour claims_a.csv (DuckDB's read_csv takes [ ] * ? as a pattern).
func TestIngestFileNameIsNotAGlob(t *testing.T) {
	dir := t.TempDir()
	storetest.WriteFile(t, dir, "claims_a.csv", claimsHeader+strings.Replace(oneClaim, "PVD1", "NEIGHBOUR", 1))
	for _, name := range []string{"claims_[a].csv", "claims_*.csv", "claims_?.csv", "claims 'quoted'.csv"} {
		t.Run(name, func(t *testing.T) {
			st := storetest.MustOpen(t)
			r := only(t, ingest(t, st, storetest.WriteFile(t, dir, name, claimsHeader+oneClaim)))
			if r.Status != Loaded || r.Rows != 1 {
				t.Fatalf("%+v", r)
			}
			storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id FROM claims"), "PVD1")
			storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT name FROM files"), name)
		})
	}
}

// In a folder: the kind prefix in any case; a .csv or .xlsx file of no kind
// rejected by name; anything else listed as ignored.
func TestIngestFolderNames(t *testing.T) {
	dir := t.TempDir()
	storetest.WriteFile(t, dir, "Claims_March.csv", claimsHeader+oneClaim)
	storetest.WriteFile(t, dir, "stc_claims.csv", claimsHeader+oneClaim)
	storetest.WriteFile(t, dir, "CEC_Modules.XLSX", "not a zip")
	storetest.WriteFile(t, dir, "notes.txt", "hello")
	if err := os.Mkdir(filepath.Join(dir, "old"), 0o755); err != nil {
		t.Fatal(err)
	}
	st := storetest.MustOpen(t)
	var got []string
	for _, r := range ingest(t, st, dir) {
		line := filepath.Base(r.Path) + " " + string(r.Status)
		if r.Err != nil {
			line += ": " + r.Err.Error()
		}
		got = append(got, line)
	}
	storetest.AssertRows(t, got,
		"notes.txt ignored: not a .csv or .xlsx file",
		"old ignored: a folder: folders are not read inside a folder",
		"CEC_Modules.XLSX rejected: CEC_Modules.XLSX: not a readable XLSX workbook: zip: not a valid zip file",
		"Claims_March.csv loaded",
		"stc_claims.csv rejected: stc_claims.csv: unknown kind: the name must start with one of panel_ledger, inverter_ledger, cec_modules, cec_inverters, suppliers, claims (in any case)",
	)
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT name, kind, status FROM files ORDER BY name"),
		"CEC_Modules.XLSX|cec_modules|rejected", "Claims_March.csv|claims|loaded", "stc_claims.csv|NULL|rejected")
}

// Only regular files are read, and a symlink to one is fine: a FIFO, a device
// (through a symlink) or a socket is rejected at once, never opened to hang.
func TestIngestOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	real := storetest.WriteFile(t, dir, "real.csv", claimsHeader+oneClaim)
	if err := os.Symlink(real, filepath.Join(dir, "claims_link.csv")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "claims_fifo.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "claims_zero.csv")); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "claims_sock.csv")
	if l, err := net.Listen("unix", sock); err == nil {
		defer l.Close()
	} else {
		t.Logf("no unix socket: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st := storetest.MustOpen(t)
	paths := []string{filepath.Join(dir, "claims_fifo.csv"), filepath.Join(dir, "claims_zero.csv"), sock, filepath.Join(dir, "claims_link.csv")}
	res, err := newIngester(st).Ingest(ctx, paths)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res {
		got = append(got, string(r.Status)+": "+errString(r.Err))
	}
	storetest.AssertRows(t, got,
		"rejected: claims_fifo.csv: cannot read the file: not a regular file (a FIFO): only regular files are read",
		"rejected: claims_zero.csv: cannot read the file: not a regular file (a device): only regular files are read",
		"rejected: claims_sock.csv: cannot read the file: not a regular file (a socket): only regular files are read",
		"loaded: ",
	)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// A cancelled context (SIGTERM) stops ingest during a file's byte scan.
func TestIngestStopsWhenCancelled(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "panel_ledger_big.csv")
	var b strings.Builder
	b.WriteString("supplier_name,licensee,model_number,serial_number\n")
	for i := 0; i < 200_000; i++ {
		b.WriteString("Acme,Jinko,JKM400,S0000000000000000\n")
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st := storetest.MustOpen(t)
	_, err := newIngester(st).Ingest(ctx, []string{p})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	// Cancelled during the byte scan: the scan stops at the next chunk.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	_, err = scanCSV(ctxReader{ctx, &cancelAfterRead{r: strings.NewReader(b.String()), cancel: cancel}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("scan: error %v, want context.Canceled", err)
	}
}

// cancelAfterRead cancels its context after the first read.
type cancelAfterRead struct {
	r      *strings.Reader
	cancel func()
}

func (c *cancelAfterRead) Read(p []byte) (int, error) {
	defer c.cancel()
	return c.r.Read(p)
}

// A row with a cell of megabytes, or of just over maxRowBytes, is a reject
// of its own; the file's good rows load, with their lines right, before and
// after it, and a row just under the bound loads.
func TestIngestLongCellRejectsOnlyItsRow(t *testing.T) {
	long := strings.Repeat("x", 3<<20)
	over := strings.Repeat("y", 64<<10)
	under := strings.Repeat("z", 60<<10)
	p := storetest.WriteFile(t, t.TempDir(), "panel_ledger_long.csv", "\xEF\xBB\xBFsupplier_name,licensee,model_number,serial_number,reason\r\n"+
		"Acme,Jinko,JKM400,S1,\r\n"+ // 2
		"Acme,Jinko,JKM400,S2,\""+long+"\"\r\n"+ // 3
		"Acme,Jinko,JKM400,S3,\"two\r\nlines\"\r\n"+ // 4-5
		"Acme,Jinko,JKM400,S4,"+long+"\r\n"+ // 6
		"Acme,Jinko,,S5,\r\n"+ // 7: a bad row after, at its own line
		"Acme,Jinko,JKM400,S8,"+over+"\r\n"+ // 8
		"Acme,Jinko,JKM400,S9,"+under+"\r\n") // 9
	st := storetest.MustOpen(t)
	r := only(t, ingest(t, st, p))
	if r.Status != Loaded || r.Rows != 3 || r.Rejected != 4 {
		t.Fatalf("%s: %d loaded, %d rejected: %v", r.Status, r.Rows, r.Rejected, r.Err)
	}
	var got []string
	for _, rj := range r.Rejects {
		got = append(got, rj.String())
	}
	storetest.AssertRows(t, got,
		"panel_ledger_long.csv:3: row is 3.0 MiB long, more than 64 KiB: a cell this long is not data (not loaded)",
		"panel_ledger_long.csv:6: row is 3.0 MiB long, more than 64 KiB: a cell this long is not data (not loaded)",
		"panel_ledger_long.csv:7:3: model_number: required value is empty",
		"panel_ledger_long.csv:8: row is 65 KiB long, more than 64 KiB: a cell this long is not data (not loaded)")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT line, serial_norm, length(reason) FROM panel_ledger ORDER BY line"), "2|S1|NULL", "4|S3|10", "9|S9|61440") // "two\r\nlines"
}

// A carriage return that ends no line, outside quotes, rejects its row (the
// contract's line ends are LF and CRLF, and a line break inside a cell must be
// quoted); the rows around it load, with their lines. DuckDB's read_csv takes
// such a CR for a line end, so the row is cut from what it reads; before, its
// extra row rejected the whole file.
func TestIngestStrayCarriageReturnRejectsOnlyItsRow(t *testing.T) {
	p := storetest.WriteFile(t, t.TempDir(), "panel_ledger_cr.csv", "supplier_name,licensee,model_number,serial_number\r\n"+
		"Acme,Jinko,JKM400,S1\r\n"+ // 2
		"Acme,Jin\rko,JKM400,S2\r\n"+ // 3
		"Acme,\"Jinko\",JKM400,S3\r\r\n"+ // 4: a CR before the CRLF
		"Acme,\"Jin\r\nko\",JKM400,S5\r\n"+ // 5-6: quoted, a line break in the cell
		"Acme,Jinko,JKM400,S7") // 7
	st := storetest.MustOpen(t)
	r := only(t, ingest(t, st, p))
	if r.Status != Loaded || r.Rows != 3 || r.Rejected != 2 {
		t.Fatalf("%s: %d loaded, %d rejected: %v %v", r.Status, r.Rows, r.Rejected, r.Err, r.Rejects)
	}
	const why = ": a carriage return (CR) that does not end a line, outside quotes: a line ends in LF or CRLF, and a line break inside a cell must be quoted"
	var got []string
	for _, rj := range r.Rejects {
		got = append(got, rj.String())
	}
	storetest.AssertRows(t, got, "panel_ledger_cr.csv:3"+why, "panel_ledger_cr.csv:4"+why)
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT line, serial_norm, licensee = 'Jin'||chr(13)||chr(10)||'ko' FROM panel_ledger ORDER BY line"),
		"2|S1|false", "5|S5|true", "7|S7|false")
}

// The copy DuckDB reads without the rows the reader rejects is unlinked as
// soon as it is written, and read through a link to it held open: a run
// killed part way leaves no copy of a large file behind.
func TestIngestCopyUnlinked(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "panel_ledger.csv", "supplier_name,licensee,model_number,serial_number\n"+
		"Acme,Jinko,JKM400,S1\n"+
		"Acme,Jinko,JKM400,S2,extra\n")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	in := newIngester(st)
	var regular, links []string
	in.beforeStage = func(ctx context.Context, conn *sql.Conn, name string) error {
		return filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.Type().IsRegular():
				regular = append(regular, p)
			case d.Type()&fs.ModeSymlink != 0:
				links = append(links, filepath.Base(p))
			}
			return nil
		})
	}
	res, err := in.Ingest(context.Background(), []string{p})
	if err != nil {
		t.Fatal(err)
	}
	if r := only(t, res); r.Rows != 1 || r.Rejected != 1 {
		t.Fatalf("%+v", r)
	}
	if len(regular) > 0 || !slices.Equal(links, []string{"copied.csv"}) {
		t.Fatalf("while staging: files %v, links %v; want only the link copied.csv", regular, links)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Fatalf("%d entries left in the temp dir", len(left))
	}
}

// The copy without the bad rows is unlinked before it is written: a copy
// that fails part way (here a bad row said to end past the file's end, as a
// kill part way would leave it) has left no file in the temp dir, before the
// input is even closed.
func TestCopyWithoutUnlinkedWhileWriting(t *testing.T) {
	if !exists("/proc/self/fd") {
		t.Skip("no /proc/self/fd: the copy stays linked until the input is closed")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	p := storetest.WriteFile(t, t.TempDir(), "panel_ledger.csv", "supplier_name,licensee,model_number,serial_number\nAcme,Jinko,JKM400,S1\n")
	in, err := openInputWith(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var bad spill[badRow]
	defer bad.close()
	bad.add(badRow{From: 60, To: 1 << 20})
	if _, err := in.copyWithout(context.Background(), ".csv", &bad); err == nil {
		t.Fatal("a copy past the end of the file: no error")
	}
	var regular []string
	filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			regular = append(regular, p)
		}
		return err
	})
	if len(regular) > 0 {
		t.Fatalf("files left while the input is open: %v", regular)
	}
}

// A run killed part way leaves its private temp dir (its links; Close never
// ran): the next run removes it once its process is gone and it is an hour
// old, and leaves every other dir.
func TestIngestSweepsTempDirsOfKilledRuns(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	dead, alive := strconv.Itoa(gone.Process.Pid), strconv.Itoa(os.Getppid())
	old := time.Now().Add(-2 * time.Hour)
	made := map[string]bool{ // name: a dir (not a file)
		"stcrecon-ingest-" + dead + "-1":  true, // removed
		"stcrecon-ingest-" + dead + "-2":  true, // too young
		"stcrecon-ingest-" + alive + "-3": true, // its process runs
		"stcrecon-ingest-1234567":         true, // no pid in its name
		"other-" + dead + "-5":            true,
		"stcrecon-ingest-" + dead + "-6":  false, // a file
	}
	for name, dir := range made {
		p := filepath.Join(tmp, name)
		if dir {
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("/proc/self/fd/3", filepath.Join(p, "input.csv")); err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(name, "-2") {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	st := storetest.MustOpen(t)
	only(t, ingest(t, st, storetest.WriteFile(t, t.TempDir(), "claims_1.csv", claimsHeader+oneClaim)))
	var left []string
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{"other-" + dead + "-5", "stcrecon-ingest-" + dead + "-2", "stcrecon-ingest-" + dead + "-6", "stcrecon-ingest-" + alive + "-3", "stcrecon-ingest-1234567"}
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Fatalf("left %v, want %v", left, want)
	}
}
