package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// cliCase is one command line run in-process. Its exit status, stdout and
// stderr are compared with testdata/cli/NAME.txt (go test -update rewrites
// them). In args, $TMP is the test's temporary folder and $DB a store in it
// that the cases before have loaded.
type cliCase struct {
	name  string
	args  string
	code  int
	check func(t *testing.T, tmp string) // further assertions, after the run
}

var cliCases = []cliCase{
	// Finding the command.
	{name: "no_command", args: "", code: exitUsage},
	{name: "unknown_command", args: "frobnicate", code: exitUsage},
	{name: "typo_command", args: "injest x.csv", code: exitUsage},
	{name: "version", args: "--version", code: exitOK},
	{name: "help", args: "help", code: exitOK},
	{name: "help_ingest", args: "help ingest", code: exitOK},
	{name: "help_unknown", args: "help ingst", code: exitUsage},
	{name: "help_extra", args: "help ingest extra", code: exitUsage},
	{name: "help_audit", args: "audit --help", code: exitOK},
	{name: "help_gen", args: "help gen", code: exitOK, check: notMentioned("--db")},
	{name: "help_stc", args: "stc -h", code: exitOK, check: notMentioned("--db")},
	{name: "log_level_bad", args: "--log-level loud stc --postcode 2000 --kw 5 --installed 2025-03-01", code: exitUsage},
	{name: "log_format_bad", args: "stc --log-format xml --postcode 2000 --kw 5 --installed 2025-03-01", code: exitUsage},

	// ingest: flags after the paths; exit 3 for a rejected row, each reject once.
	{name: "ingest_no_paths", args: "ingest", code: exitUsage},
	{name: "ingest_unknown_flag", args: "ingest --no-such-flag x.csv", code: exitUsage},
	{name: "ingest_missing_path", args: "ingest --db $DB missing.csv", code: exitFailed, check: noFile("db.duckdb")},
	{name: "ingest_base", args: "ingest ../../pipeline/audit/testdata/checks/base --db $DB", code: exitOK},
	{name: "ingest_row_rejected", args: "ingest testdata/claims_e2e.csv --db $DB", code: exitRejected},
	{name: "ingest_again_skipped", args: "--db $DB ingest testdata/claims_e2e.csv", code: exitOK},
	{name: "ingest_files_rejected", args: "ingest --db $DB testdata/ingest", code: exitRejected},
	{name: "ingest_nothing", args: "ingest --db $TMP/none.duckdb testdata/nothing", code: exitOK, check: noFile("none.duckdb")},
	{name: "ingest_verbose_loaded", args: "ingest --verbose --db $TMP/v.duckdb testdata/claims_e2e.csv", code: exitRejected},
	{name: "ingest_verbose", args: "ingest -v --db $DB testdata/ingest/claims_empty.csv", code: exitRejected},

	// audit: a reader never creates a store.
	{name: "audit_no_out", args: "audit --db $DB", code: exitUsage},
	{name: "audit_extra_argument", args: "audit --db $DB --out $TMP/out extra", code: exitUsage},
	{name: "audit_missing_store", args: "audit --db $TMP/typo.duckdb --out $TMP/typo-out", code: exitFailed,
		check: noFile("typo.duckdb", "typo-out")},
	{name: "audit", args: "audit --out $TMP/out --db $DB", code: exitOK},

	// gen: no --db; bad counts are usage errors.
	{name: "gen_no_out", args: "gen", code: exitUsage},
	{name: "gen_claims_0", args: "gen --out $TMP/gen --claims 0", code: exitUsage, check: noFile("gen")},
	{name: "gen_db", args: "gen --db $DB --out $TMP/gen", code: exitUsage},
	{name: "gen", args: "gen --out $TMP/gen --claims 20 --csv-only", code: exitOK},
	{name: "gen_verbose", args: "gen --out $TMP/gen2 --claims 20 --verbose", code: exitOK},

	// stc: every bad value says why, with exit 2; after the scheme, exit 1.
	{name: "stc_no_installed", args: "stc --postcode 2000 --kw 5", code: exitUsage},
	{name: "stc_kw_abc", args: "stc --postcode 2000 --kw abc --installed 2025-03-01", code: exitUsage},
	{name: "stc_kw_0", args: "stc --postcode 2000 --kw 0 --installed 2025-03-01", code: exitUsage},
	{name: "stc_bad_installed", args: "stc --postcode 2000 --kw 5 --installed 2025-02-30", code: exitUsage},
	{name: "stc_bad_postcode", args: "stc --postcode 20000 --kw 5 --installed 2025-03-01", code: exitUsage},
	{name: "stc_years_0", args: "stc --postcode 2000 --kw 5 --installed 2025-03-01 --years 0", code: exitUsage},
	{name: "stc_years_negative", args: "stc --postcode 2000 --kw 5 --installed 2025-03-01 --years -1", code: exitUsage},
	{name: "stc_db", args: "stc --db $DB --postcode 2000 --kw 5 --installed 2025-03-01", code: exitUsage},
	{name: "stc_after_scheme", args: "stc --postcode 2000 --kw 5 --installed 2035-01-01", code: exitFailed},
	{name: "stc_over_limit", args: "stc --postcode 2000 --kw 150 --installed 2025-03-01", code: exitOK},
	{name: "stc_one_year", args: "stc --postcode 2000 --kw 6.6 --installed 2030-06-30", code: exitOK},
	{name: "stc_config_first", args: "--config ../../configs/stcrecon.yaml stc --postcode 2000 --kw 6.6 --installed 2025-03-01 --years 1", code: exitOK},
}

func TestCLI(t *testing.T) {
	defer func(v string) { buildVersion = v }(buildVersion)
	buildVersion = "v1.2.3-test"
	tmp := t.TempDir()
	for _, c := range cliCases {
		args := strings.Fields(strings.NewReplacer("$DB", filepath.Join(tmp, "db.duckdb"), "$TMP", tmp).Replace(c.args))
		code, stdout, stderr := runCLI(t, args...)
		if code != c.code {
			t.Errorf("%s: stcrecon %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", c.name, c.args, code, c.code, stdout, stderr)
		}
		got := "$ stcrecon " + c.args + "\n" + "exit " + itoa(code) + "\n-- stdout --\n" + stdout + "-- stderr --\n" + stderr
		got = strings.ReplaceAll(got, tmp, "$TMP")
		for re, with := range varying {
			got = re.ReplaceAllString(got, with)
		}
		goldenCase(t, filepath.Join("cli", c.name+".txt"), got)
		if c.check != nil {
			c.check(t, tmp)
		}
	}
}

// varying is what changes from run to run (durations, times), and what the
// golden files hold instead.
var varying = map[*regexp.Regexp]string{
	regexp.MustCompile(` in [0-9]+\.[0-9]+s\b`):                    " in N.Ns",
	regexp.MustCompile(`\b(seconds|time)=[^ \n]+`):                 "${1}=X",
	regexp.MustCompile(`[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC`): "YYYY-MM-DD hh:mm:ss UTC",
}

func goldenCase(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%v (go test -update writes it)", err)
		return
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

func notMentioned(s string) func(t *testing.T, tmp string) {
	return func(t *testing.T, _ string) {
		t.Helper()
		// the golden file holds the help; it must not mention s
		_, out, _ := runCLI(t, "help", "gen")
		_, out2, _ := runCLI(t, "help", "stc")
		if strings.Contains(out, s) || strings.Contains(out2, s) {
			t.Errorf("help of gen or stc mentions %s", s)
		}
	}
}

func noFile(names ...string) func(t *testing.T, tmp string) {
	return func(t *testing.T, tmp string) {
		t.Helper()
		for _, n := range names {
			if _, err := os.Stat(filepath.Join(tmp, n)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s was created (or stat failed: %v)", n, err)
			}
		}
	}
}

// "completion SHELL" writes a completion script for each shell cobra knows.
func TestCompletion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, errs := runCLI(t, "completion", sh)
		if code != exitOK || !strings.Contains(out, "stcrecon") || errs != "" {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", sh, code, len(out), errs)
		}
	}
}

// "help COMMAND" and "COMMAND --help" print the same text.
func TestHelpForms(t *testing.T) {
	for _, c := range commands {
		name := c(&app{}).Name()
		_, a, _ := runCLI(t, "help", name)
		_, b, _ := runCLI(t, name, "--help")
		if a != b || a == "" {
			t.Errorf("help %s and %s --help differ", name, name)
		}
	}
}

// Run outside the repository without --db, audit names the default store
// and creates nothing: no var/ folder appears.
func TestAuditNeverCreatesTheDefaultStore(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	code, _, stderr := runCLI(t, "audit", "--out", "out")
	if code != exitFailed || stderr != "stcrecon audit: no store at var/stcrecon.duckdb: ingest files to create one, or name an existing store with --db FILE\n" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) > 0 {
		t.Fatalf("audit created %v", entries[0].Name())
	}
}

// Log lines are INFO only with --verbose or --log-level, and JSON with
// --log-format json; by default stderr holds only the rejects.
func TestLogFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.duckdb")
	code, _, stderr := runCLI(t, "ingest", "--db", db, "../../pipeline/audit/testdata/checks/base")
	if code != exitOK || stderr != "" {
		t.Fatalf("default: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "--log-format", "json", "--log-level", "info", "ingest", "--db", db, "testdata/claims_e2e.csv")
	if code != exitRejected {
		t.Fatalf("json: exit %d", code)
	}
	var jsonLines, rejects int
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil {
			if rec["level"] != "INFO" || rec["msg"] == nil {
				t.Errorf("log record %v", rec)
			}
			jsonLines++
		} else if strings.HasPrefix(sc.Text(), "claims_e2e.csv:5:2: ") {
			rejects++
		} else {
			t.Errorf("unexpected stderr line %q", sc.Text())
		}
	}
	if jsonLines == 0 || rejects != 1 {
		t.Fatalf("%d JSON lines, %d rejects:\n%s", jsonLines, rejects, stderr)
	}
}

// A progress line is drawn only on a terminal, and wiped before other output.
func TestProgressLine(t *testing.T) {
	var b strings.Builder
	o := newOutput(&b, true)
	l := slog.New(&progressHandler{next: slog.DiscardHandler, out: o})
	l.Info("ingest: file loaded", "file", "a.csv", "rows", int64(1200))
	o.Write([]byte("a.csv:2: bad\n"))
	o.clear()
	got := b.String()
	want := "\r\033[Kingest: 1 file, 1,200 rows loaded · done a.csv\r\033[Ka.csv:2: bad\n"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	b.Reset()
	o.total = 3
	l.Info("ingest: file loaded", "file", "b.csv", "rows", int64(1))
	if want := "\r\033[Kingest: 2 of 3 files, 1,201 rows loaded · done b.csv"; b.String() != want {
		t.Fatalf("got %q\nwant %q", b.String(), want)
	}
	b.Reset()
	o.last = time.Time{} // a line at most every 100 ms
	l.Info("ingest: batch", "file", "claims_big.csv", "sql", "CheckClaims", "batch", 2, "of", 6, "seconds", 1.5)
	if want := "\r\033[Kingest: 2 of 3 files, 1,201 rows loaded · claims_big.csv: CheckClaims, batch 2 of 6"; b.String() != want {
		t.Fatalf("got %q\nwant %q", b.String(), want)
	}
	b.Reset()
	quiet := newOutput(&b, false)
	slog.New(&progressHandler{next: slog.DiscardHandler, out: quiet}).Info("ingest: file loaded", "file", "a.csv")
	if b.Len() != 0 {
		t.Fatalf("progress drawn when not a terminal: %q", b.String())
	}
}
