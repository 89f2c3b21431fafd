package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"stcrecon/jobs"
)

// The README's walk-through, in-process: from a folder with no store, with
// the shipped config's folders (var/inbox...), run nightly-audit twice, see a
// bad file quarantined with its reason, and the runs in status; a writer is
// refused while another process holds the store's lock.
func TestJobCommands(t *testing.T) {
	src, err := filepath.Abs("../../jobs/testdata/inbox")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	code, _, stderr := runCLI(t, "status")
	if code != exitFailed || !strings.Contains(stderr, "stcrecon status: no store at var/stcrecon.duckdb: ingest files or run a job to create one") {
		t.Fatalf("status without a store: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat("var"); err == nil {
		t.Fatal("status created var/")
	}
	os.MkdirAll("var/inbox", 0o755)
	entries, _ := os.ReadDir(src)
	old := time.Now().Add(-time.Minute)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(src, e.Name()))
		p := filepath.Join("var/inbox", e.Name())
		os.WriteFile(p, b, 0o644)
		os.Chtimes(p, old, old)
	}

	code, stdout, stderr := runCLI(t, "run", "nightly-audit")
	if code != exitRejected {
		t.Fatalf("run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	date := time.Now().In(mustZone(t)).Format(time.DateOnly)
	for _, want := range []string{"nightly-audit (run 1): rejects in", "files: 6 loaded, 0 already loaded, 1 quarantined, 0 left in the inbox",
		"rows: 48 loaded, 1 rejected", "audit run 1: 3 claims, 6 findings", "output: var/reports/audit/" + date + "\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "nightly-audit: 1 file rejected whole: the reasons are in var/quarantine/*.error.txt") {
		t.Errorf("stderr:\n%s", stderr)
	}
	for _, p := range []string{"var/quarantine/claims_broken.csv.error.txt", "var/archive/" + date + "/claims_batch1.csv.rejects.txt",
		"var/reports/audit/" + date + "/findings.csv"} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	if left, _ := os.ReadDir("var/inbox"); len(left) != 0 {
		t.Errorf("inbox still holds %d files", len(left))
	}

	// Again: nothing new, nothing loaded twice, a fresh report folder.
	code, stdout, stderr = runCLI(t, "run", "nightly-audit")
	if code != exitOK || !strings.Contains(stdout, "files: 0 loaded") || !strings.Contains(stdout, "audit run 2: 0 claims") ||
		!strings.Contains(stdout, "output: var/reports/audit/"+date+".2\n") {
		t.Fatalf("second run: exit %d\n%s\n%s", code, stdout, stderr)
	}

	code, stdout, _ = runCLI(t, "status")
	if code != exitOK || strings.Count(stdout, " nightly-audit ") != 2 || !strings.Contains(stdout, "6 loaded, 1 quarantined") {
		t.Fatalf("status: exit %d\n%s", code, stdout)
	}

	// Another process holds the store: writers are refused, naming it.
	l, err := jobs.TryLock(jobs.StoreLockPath("var/stcrecon.duckdb"), "the store",
		jobs.Holder{PID: 4242, Host: "ops1", Command: "stcrecon serve", Job: "nightly-audit", Since: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	runStoreWait = 0
	defer func() { runStoreWait = 5 * time.Second }()
	for _, args := range [][]string{{"ingest", filepath.Join(src, "claims_batch1.csv")}, {"audit", "--out", "x"}, {"run", "ingest"}} {
		code, _, stderr = runCLI(t, args...)
		if code != exitFailed || !strings.Contains(stderr, "the store var/stcrecon.duckdb is in use by process 4242 on ops1 (stcrecon serve, running nightly-audit) since") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	// status still answers: the store itself is not open.
	if code, _, stderr = runCLI(t, "status"); code != exitOK {
		t.Errorf("status while locked: exit %d: %s", code, stderr)
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{{"run"}, {"run", "nightly"}, {"run", "ingest", "extra"}, {"serve", "extra"}, {"status", "--runs", "0"}} {
		if code, _, stderr := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

func mustZone(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
