package jobs

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"stcrecon/configs"
	"stcrecon/pipeline/store"
)

// clock is a settable clock for a Runner.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// syncBuffer is a log destination safe for concurrent runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

type fixture struct {
	r    *Runner
	dir  string
	clk  *clock
	logs *syncBuffer
}

// newFixture returns a Runner over a fresh store and folders in a temporary
// directory, with the shipped config and a clock at 2026-11-24 09:00 Sydney.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg.Folders = configs.Folders{Inbox: filepath.Join(dir, "inbox"), Archive: filepath.Join(dir, "archive"),
		Quarantine: filepath.Join(dir, "quarantine"), Reports: filepath.Join(dir, "reports")}
	logs := &syncBuffer{}
	clk := &clock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, cfg.Timezone.Loc)}
	db := filepath.Join(dir, "var", "store.duckdb") // var/ does not exist yet
	r := NewRunner(cfg, db, slog.New(slog.NewTextHandler(logs, nil)), "stcrecon test")
	r.Now = clk.Now
	r.poll = 20 * time.Millisecond
	return &fixture{r: r, dir: dir, clk: clk, logs: logs}
}

// drop copies testdata/inbox files into the inbox, modified at mtime.
func (f *fixture) drop(t *testing.T, mtime time.Time, names ...string) {
	t.Helper()
	if err := os.MkdirAll(f.r.Config.Folders.Inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		src, dest := filepath.Join("testdata/inbox", n), filepath.Join(f.r.Config.Folders.Inbox, n)
		if i := strings.Index(n, "="); i > 0 { // "dest=src": drop src under another name
			src, dest = filepath.Join("testdata/inbox", n[i+1:]), filepath.Join(f.r.Config.Folders.Inbox, n[:i])
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dest, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(dest, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
}

func ls(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var baseFiles = []string{"cec_inverters_base.csv", "cec_modules_base.csv", "inverter_ledger_base.csv",
	"panel_ledger_base.csv", "suppliers_base.csv"}

// The ingest job loads settled files, archives them by date, quarantines a
// file rejected whole with its reason, lists a loaded file's rejected rows
// beside it, and leaves files still being written.
func TestIngestJob(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old := f.clk.Now().Add(-time.Minute)
	f.drop(t, old, append(baseFiles, "claims_batch1.csv", "claims_broken.csv", "claims_next.csv.part=claims_batch1.csv")...)
	f.drop(t, f.clk.Now().Add(-3*time.Second), "claims_fresh.csv=claims_batch1.csv") // modified 3 s ago: settle is 10 s
	res, err := f.r.Run(ctx, "ingest", ByHand, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesLoaded != 6 || res.FilesQuarantined != 1 || res.FilesWaiting != 2 || res.RowsRejected != 1 ||
		res.Outcome() != OutcomeRejects || res.RunID != 1 {
		t.Fatalf("%+v", res)
	}
	f.r.Config.Folders.Archive = filepath.Join(f.dir, "archive")
	day := filepath.Join(f.dir, "archive", "2026-11-24")
	want := "cec_inverters_base.csv cec_modules_base.csv claims_batch1.csv claims_batch1.csv.rejects.txt inverter_ledger_base.csv panel_ledger_base.csv suppliers_base.csv"
	if got := strings.Join(ls(t, day), " "); got != want {
		t.Fatalf("archive holds %s", got)
	}
	if got := read(t, filepath.Join(day, "claims_batch1.csv.rejects.txt")); !strings.Contains(got,
		`claims_batch1.csv:5: submitted_on: not a date: use YYYY-MM-DD or DD/MM/YYYY (value "2025-13-45")`) {
		t.Fatalf("rejects.txt:\n%s", got)
	}
	q := filepath.Join(f.dir, "quarantine")
	if got := strings.Join(ls(t, q), " "); got != "claims_broken.csv claims_broken.csv.error.txt" {
		t.Fatalf("quarantine holds %s", got)
	}
	if got := read(t, filepath.Join(q, "claims_broken.csv.error.txt")); !strings.Contains(got, "rejected whole") ||
		!strings.Contains(got, "claims_broken.csv:1: missing required column") {
		t.Fatalf("error.txt:\n%s", got)
	}
	if got := strings.Join(ls(t, f.r.Config.Folders.Inbox), " "); got != "claims_fresh.csv claims_next.csv.part" {
		t.Fatalf("inbox holds %s", got)
	}

	// Next run, a minute later: the settled file is the same content as one
	// loaded: skipped and archived under a free name; the .part file waits.
	f.clk.Set(f.clk.Now().Add(time.Minute))
	res, err = f.r.Run(ctx, "ingest", BySchedule, f.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesLoaded != 0 || res.FilesSkipped != 1 || res.FilesWaiting != 1 || res.Outcome() != OutcomeOK || res.RunID != 2 {
		t.Fatalf("%+v", res)
	}
	if !strings.Contains(strings.Join(ls(t, day), " "), "claims_fresh.csv") {
		t.Fatalf("archive: %v", ls(t, day))
	}
	if !strings.Contains(f.logs.String(), "job run") {
		t.Fatalf("no run line in the log:\n%s", f.logs.String())
	}
}

// A name taken in the archive gets a suffix; nothing is overwritten.
func TestMoveFileNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	for i, content := range []string{"one", "two", "three"} {
		src := filepath.Join(dir, "claims_a.csv")
		os.WriteFile(src, []byte(content), 0o644)
		dest, err := moveFile(src, filepath.Join(dir, "archive"))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"claims_a.csv", "claims_a.2.csv", "claims_a.3.csv"}[i]
		if filepath.Base(dest) != want || read(t, dest) != content {
			t.Fatalf("%s -> %s", content, dest)
		}
		if _, err := os.Stat(src); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("source still there")
		}
	}
}

// nightly-audit loads the inbox, audits and writes reports/audit/DATE/; run
// again it finds nothing new, loads nothing twice and writes a fresh folder.
func TestNightlyAudit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.drop(t, f.clk.Now().Add(-time.Hour), append(baseFiles, "claims_batch1.csv")...)
	res, err := f.r.Run(ctx, "nightly-audit", ByHand, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(f.dir, "reports", "audit", "2026-11-24")
	if res.FilesLoaded != 6 || res.Claims != 3 || res.Findings == 0 || res.Output != out || res.AuditRunID != 1 {
		t.Fatalf("%+v", res)
	}
	if got := read(t, filepath.Join(out, "claims.csv")); strings.Count(got, "\n") != 4 {
		t.Fatalf("claims.csv:\n%s", got)
	}
	res, err = f.r.Run(ctx, "nightly-audit", ByHand, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesLoaded != 0 || res.Claims != 0 || res.Output != out+".2" || res.Outcome() != OutcomeOK {
		t.Fatalf("second run %+v", res)
	}
	if files := count(t, f, "SELECT count(*) FROM files"); files != 6 {
		t.Fatalf("%d files in the store", files)
	}
}

// monthly-compliance writes last calendar month's report (in the zone) and
// weekly-notices the notices, each into a fresh folder, recorded.
func TestReportJobs(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	loc := f.r.zone()
	// The claims were submitted on 2025-03-20; on 1 April 2025 at 06:00 in
	// Sydney (still 31 March in UTC) last month is March.
	f.clk.Set(time.Date(2025, 4, 1, 6, 0, 0, 0, loc))
	f.drop(t, f.clk.Now().Add(-time.Hour), append(baseFiles, "claims_batch1.csv")...)
	if _, err := f.r.Run(ctx, "nightly-audit", ByHand, time.Time{}); err != nil {
		t.Fatal(err)
	}
	res, err := f.r.Run(ctx, "monthly-compliance", BySchedule, f.clk.Now())
	march := filepath.Join(f.dir, "reports", "compliance", "2025-03")
	if err != nil || res.Claims != 3 || res.Output != march || res.Outcome() != OutcomeOK || res.RunID == 0 {
		t.Fatalf("%v %+v", err, res)
	}
	if got := read(t, filepath.Join(march, "summary.csv")); !strings.Contains(got, "\n2025-03-01,2025-03-31,3,") {
		t.Fatalf("summary.csv:\n%s", got)
	}
	if res, err = f.r.Run(ctx, "monthly-compliance", ByHand, time.Time{}); err != nil || res.Output != march+".2" {
		t.Fatalf("again: %v %+v", err, res)
	}
	res, err = f.r.Run(ctx, "weekly-notices", BySchedule, f.clk.Now())
	notices := filepath.Join(f.dir, "reports", "notices", "2025-04-01")
	if err != nil || res.Output != notices {
		t.Fatalf("%v %+v", err, res)
	}
	if _, err := os.Stat(filepath.Join(notices, "index.csv")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.r.Run(ctx, "nightly", ByHand, time.Time{}); err == nil || !strings.Contains(err.Error(), `unknown job "nightly"`) {
		t.Fatal(err)
	}
}

func TestLastMonth(t *testing.T) {
	loc := time.FixedZone("AEDT", 11*3600)
	for in, want := range map[time.Time]string{
		time.Date(2026, 1, 1, 6, 0, 0, 0, loc):    "2025-12-01 2025-12-31",
		time.Date(2026, 3, 15, 0, 0, 0, 0, loc):   "2026-02-01 2026-02-28",
		time.Date(2024, 3, 1, 0, 0, 0, 0, loc):    "2024-02-01 2024-02-29",
		time.Date(2026, 11, 30, 23, 0, 0, 0, loc): "2026-10-01 2026-10-31",
	} {
		from, to := lastMonth(in)
		if got := from.Format(time.DateOnly) + " " + to.Format(time.DateOnly); got != want {
			t.Errorf("%v: %s, want %s", in, got, want)
		}
	}
}

// A job asked to run while it runs is skipped (and logged), never queued;
// another job waits for the store instead.
func TestOverlapIsSkipped(t *testing.T) {
	f := newFixture(t)
	started, release := make(chan struct{}), make(chan struct{})
	f.r.bodies["ingest"] = func(ctx context.Context, run *runEnv) error {
		close(started)
		<-release
		return nil
	}
	done := make(chan error)
	go func() { _, err := f.r.Run(context.Background(), "ingest", BySchedule, time.Time{}); done <- err }()
	<-started
	if _, err := f.r.Run(context.Background(), "ingest", BySchedule, time.Time{}); !errors.Is(err, ErrBusy) {
		t.Fatalf("second run: %v", err)
	}
	if !strings.Contains(f.logs.String(), "job skipped: its previous run is still going") {
		t.Fatalf("log:\n%s", f.logs.String())
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Released: the job runs again.
	f.r.bodies["ingest"] = func(ctx context.Context, run *runEnv) error { return nil }
	if _, err := f.r.Run(context.Background(), "ingest", BySchedule, time.Time{}); err != nil {
		t.Fatal(err)
	}
}

// A panic is recovered into a failed run in job_runs, and the job runs again
// afterwards (robfig/cron v3.0.1's SkipIfStillRunning inside Recover would
// skip it forever).
func TestPanicIsARecordedFailure(t *testing.T) {
	f := newFixture(t)
	f.r.bodies["ingest"] = func(ctx context.Context, run *runEnv) error {
		run.res.FilesLoaded = 2
		panic("boom")
	}
	res, err := f.r.Run(context.Background(), "ingest", BySchedule, time.Time{})
	if err == nil || err.Error() != "panic: boom" || res.RunID != 1 || res.Outcome() != OutcomeFailed {
		t.Fatalf("%v %+v", err, res)
	}
	f.r.bodies["ingest"] = func(ctx context.Context, run *runEnv) error { return nil }
	if res, err = f.r.Run(context.Background(), "ingest", BySchedule, time.Time{}); err != nil || res.RunID != 2 {
		t.Fatalf("after the panic: %v %+v", err, res)
	}
	rep, err := Status(context.Background(), f.r.Config, f.r.DB, f.clk.Now(), 5)
	if err != nil {
		t.Fatal(err)
	}
	runs := rep.Jobs[0].Runs
	if len(runs) != 2 || runs[1].Err == nil || runs[1].Err.Error() != "panic: boom" || runs[1].FilesLoaded != 2 ||
		runs[0].Outcome() != OutcomeOK {
		t.Fatalf("%+v", runs)
	}
}

// Catch-up: a job whose last successful run started before its latest
// scheduled time is due once at start-up; a failed run does not count.
func TestCatchUp(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	loc := f.r.zone()
	f.r.Config.Jobs = f.r.Config.Jobs[:2] // ingest every 15 minutes, nightly-audit at 02:30
	for _, j := range f.r.Config.Jobs {
		f.r.bodies[j.Name] = func(ctx context.Context, run *runEnv) error { return nil }
	}
	// Never ran (no store yet): both are due, for their latest times.
	due, err := f.r.missed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 2 || !due[0].slot.Equal(time.Date(2026, 11, 24, 9, 0, 0, 0, loc)) ||
		!due[1].slot.Equal(time.Date(2026, 11, 24, 2, 30, 0, 0, loc)) {
		t.Fatalf("%+v", due)
	}
	if _, err := os.Stat(f.r.DB); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("looking for missed runs created the store")
	}
	// Both ran at 09:00; at 09:10 nothing is due; at 09:20 ingest is.
	for _, j := range []string{"ingest", "nightly-audit"} {
		if _, err := f.r.Run(ctx, j, ByCatchUp, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.Set(time.Date(2026, 11, 24, 9, 10, 0, 0, loc))
	if due, _ = f.r.missed(ctx); len(due) != 0 {
		t.Fatalf("%+v", due)
	}
	f.clk.Set(time.Date(2026, 11, 24, 9, 20, 0, 0, loc))
	if due, _ = f.r.missed(ctx); len(due) != 1 || due[0].job != "ingest" {
		t.Fatalf("%+v", due)
	}
	// Down from 09:20 until the next morning: the night's audit is due once.
	f.clk.Set(time.Date(2026, 11, 25, 8, 0, 0, 0, loc))
	due, _ = f.r.missed(ctx)
	if len(due) != 2 || due[1].job != "nightly-audit" || !due[1].slot.Equal(time.Date(2026, 11, 25, 2, 30, 0, 0, loc)) {
		t.Fatalf("%+v", due)
	}
	// A failed run does not count as done.
	f.r.bodies["nightly-audit"] = func(ctx context.Context, run *runEnv) error { return errors.New("disk full") }
	f.r.Run(ctx, "nightly-audit", ByCatchUp, due[1].slot)
	if due, _ = f.r.missed(ctx); len(due) != 2 {
		t.Fatalf("%+v", due)
	}
}

// The night clocks go forward in Sydney (4 October 2026, 02:00 → 03:00) the
// 02:30 audit is due at 03:30, once; the night they go back (5 April 2026,
// 03:00 → 02:00) it is due once, not again an hour later.
func TestCatchUpAcrossDaylightSaving(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	loc := f.r.zone()
	f.r.Config.Jobs = f.r.Config.Jobs[1:2]
	f.r.bodies["nightly-audit"] = func(ctx context.Context, run *runEnv) error { return nil }
	ranAt := func(t0 time.Time) {
		f.clk.Set(t0)
		if _, err := f.r.Run(ctx, "nightly-audit", BySchedule, t0); err != nil {
			t.Fatal(err)
		}
	}
	dueAt := func(t0 time.Time) []catchUp {
		f.clk.Set(t0)
		due, err := f.r.missed(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return due
	}
	ranAt(time.Date(2026, 10, 3, 2, 30, 0, 0, loc))
	if due := dueAt(time.Date(2026, 10, 4, 3, 20, 0, 0, loc)); len(due) != 0 {
		t.Fatalf("before 03:30 AEDT: %+v", due)
	}
	due := dueAt(time.Date(2026, 10, 4, 3, 40, 0, 0, loc))
	if len(due) != 1 || !due[0].slot.Equal(time.Date(2026, 10, 4, 3, 30, 0, 0, loc)) {
		t.Fatalf("after 03:30 AEDT: %+v", due)
	}
	ranAt(time.Date(2026, 4, 5, 2, 30, 0, 0, loc)) // 02:30 AEST, the second 02:30
	for _, at := range []time.Time{time.Date(2026, 4, 5, 2, 45, 0, 0, loc), time.Date(2026, 4, 5, 9, 0, 0, 0, loc)} {
		if due := dueAt(at); len(due) != 0 {
			t.Fatalf("%v: %+v", at, due)
		}
	}
}

// While another process holds the store's lock, a run is refused with a
// message naming it; a second serve is refused the same way.
func TestStoreLockNamesTheHolder(t *testing.T) {
	f := newFixture(t)
	holder := Holder{PID: 4242, Host: "ops1", Command: "stcrecon ingest", Since: f.clk.Now()}
	l, err := TryLock(StoreLockPath(f.r.DB), "the store", holder)
	if err != nil {
		t.Fatal(err)
	}
	f.r.StoreWait = 100 * time.Millisecond
	_, err = f.r.Run(context.Background(), "ingest", ByHand, time.Time{})
	if err == nil || !strings.Contains(err.Error(), "the store "+f.r.DB+" is in use by process 4242 on ops1 (stcrecon ingest) since 2026-11-24 09:00:00 +11:00") {
		t.Fatalf("%v", err)
	}
	l.Unlock()
	if _, err := f.r.Run(context.Background(), "ingest", ByHand, time.Time{}); err != nil {
		t.Fatalf("after unlock: %v", err)
	}

	sl, err := TryLock(ServeLockPath(f.r.DB), "the store", Holder{PID: 77, Host: "ops1", Command: "stcrecon serve", Since: f.clk.Now()})
	if err != nil {
		t.Fatal(err)
	}
	defer sl.Unlock()
	err = f.r.Serve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "another serve runs on this store: the store "+f.r.DB+" is in use by process 77 on ops1 (stcrecon serve)") {
		t.Fatalf("%v", err)
	}
}

// Status never creates a store, and shows the schedule and the runs.
func TestStatus(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := Status(ctx, f.r.Config, f.r.DB, f.clk.Now(), 5); !errors.Is(err, ErrNoStore) || !strings.Contains(err.Error(), "no store at "+f.r.DB) {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.r.DB); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("status created the store")
	}
	f.drop(t, f.clk.Now().Add(-time.Hour), append(baseFiles, "claims_batch1.csv", "claims_broken.csv")...)
	if _, err := f.r.Run(ctx, "nightly-audit", ByHand, time.Time{}); err != nil {
		t.Fatal(err)
	}
	f.r.bodies["weekly-notices"] = func(ctx context.Context, run *runEnv) error { return errors.New("no template") }
	f.r.Run(ctx, "weekly-notices", ByHand, time.Time{})
	rep, err := Status(ctx, f.r.Config, f.r.DB, f.clk.Now(), 5)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"nightly-audit       30 2 * * *    2026-11-25 02:30 AEDT",
		"ingest              */15 * * * *  2026-11-24 09:15 AEDT",
		"6 loaded, 1 quarantined",
		"48 (1 rejected)",
		"manual  failed   -",
		"no template",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, out.String())
		}
	}
}

// count runs a count query on the store, opened between runs.
func count(t *testing.T, f *fixture, q string) int {
	t.Helper()
	st, err := store.Open(context.Background(), f.r.DB, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
