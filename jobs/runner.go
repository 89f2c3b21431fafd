package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"stcrecon/configs"
	"stcrecon/pipeline/store"
)

// Trigger says what started a run.
type Trigger string

// What can start a run.
const (
	BySchedule Trigger = "schedule"
	ByCatchUp  Trigger = "catch-up" // at start-up, for a scheduled time missed while down
	ByHand     Trigger = "manual"   // stcrecon run JOB
)

// How a run can end.
const (
	OutcomeOK      = "ok"
	OutcomeRejects = "rejects" // done, but some files or rows were rejected
	OutcomeFailed  = "failed"
)

// ErrBusy is returned when a job is asked to run while its previous run is
// still going: the new run is skipped, never queued.
var ErrBusy = errors.New("skipped: the job's previous run is still going")

// Result is one run of a job, as job_runs records it.
type Result struct {
	RunID        int64 // 0 when the run could not be recorded (the store was unavailable)
	Job          string
	StartedBy    Trigger
	ScheduledFor time.Time // zero for a manual run
	StartedAt    time.Time
	FinishedAt   time.Time

	FilesLoaded      int
	FilesSkipped     int // same content loaded before: archived
	FilesQuarantined int
	FilesWaiting     int // still being written: left in the inbox
	RowsLoaded       int64
	RowsRejected     int64
	Claims           int64 // claims audited
	Findings         int64
	AuditRunID       int64
	Output           string // the report folder written
	Err              error
}

// Outcome is ok, rejects or failed.
func (r *Result) Outcome() string {
	switch {
	case r.Err != nil:
		return OutcomeFailed
	case r.FilesQuarantined > 0 || r.RowsRejected > 0:
		return OutcomeRejects
	}
	return OutcomeOK
}

// jobFunc is the body of a job. It fills in the counts of res as it goes, so
// a failed run still records what it did before failing.
type jobFunc func(ctx context.Context, run *runEnv) error

// runEnv is what a job body gets.
type runEnv struct {
	r     *Runner
	store *store.Store
	res   *Result
	start time.Time // the run's start in the configured zone; dates in folder names come from it
	log   *slog.Logger
}

// Runner runs jobs: one run at a time per job, one store user at a time per
// process, each run recorded in job_runs.
type Runner struct {
	Config *configs.Config
	DB     string // the store's path
	Log    *slog.Logger
	// Command names this process in the store's lock file ("stcrecon serve").
	Command string
	// Now is the clock; time.Now when nil. Tests set it.
	Now func() time.Time
	// StoreWait is how long a run waits for the store while another process
	// holds it; 0 fails at once with a message naming the holder.
	StoreWait time.Duration

	poll     time.Duration // how often a waiting run retries the store
	bodies   map[string]jobFunc
	mu       sync.Mutex
	running  map[string]bool
	storeSem chan struct{}
}

// NewRunner returns a Runner for the jobs of cfg over the store at db.
func NewRunner(cfg *configs.Config, db string, log *slog.Logger, command string) *Runner {
	r := &Runner{Config: cfg, DB: db, Log: log, Command: command, poll: time.Second,
		running: map[string]bool{}, storeSem: make(chan struct{}, 1)}
	r.bodies = map[string]jobFunc{
		"ingest":             ingestJob,
		"nightly-audit":      nightlyAuditJob,
		"monthly-compliance": monthlyComplianceJob,
		"weekly-notices":     weeklyNoticesJob,
	}
	return r
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func (r *Runner) zone() *time.Location { return r.Config.Timezone.Loc }

// Jobs lists the jobs a Runner can run.
func (r *Runner) Jobs() []string {
	var out []string
	for name := range r.bodies {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Run runs job now and records the run. slot is the scheduled time the run is
// for (zero for a manual run). The error is the run's own failure (also in
// res.Err), ErrBusy when the job's previous run is still going, or an unknown
// job. A panic in the job is recovered and recorded as a failed run.
func (r *Runner) Run(ctx context.Context, job string, by Trigger, slot time.Time) (*Result, error) {
	body, ok := r.bodies[job]
	if !ok {
		return nil, fmt.Errorf("unknown job %q (known: %s)", job, strings.Join(r.Jobs(), ", "))
	}
	r.mu.Lock()
	if r.running[job] {
		r.mu.Unlock()
		r.log().Warn("job skipped: its previous run is still going", "job", job, "started_by", string(by))
		return nil, ErrBusy
	}
	r.running[job] = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.running, job)
		r.mu.Unlock()
	}()

	res := &Result{Job: job, StartedBy: by, ScheduledFor: slot, StartedAt: r.now()}
	recorded := r.run(ctx, body, res)
	r.logResult(res, recorded)
	if res.Err != nil {
		r.notify(ctx, res)
	}
	return res, res.Err
}

// run does one run with the store held, and records it; false when it could
// not be recorded.
func (r *Runner) run(ctx context.Context, body jobFunc, res *Result) (recorded bool) {
	fail := func(err error) bool {
		res.Err = err
		res.FinishedAt = r.now()
		return false
	}
	// One store user at a time in this process: DuckDB must not open one
	// file twice in a process.
	select {
	case r.storeSem <- struct{}{}:
		defer func() { <-r.storeSem }()
	case <-ctx.Done():
		return fail(fmt.Errorf("%s: stopped before it started: %w", res.Job, ctx.Err()))
	}
	lock, err := WaitLock(ctx, StoreLockPath(r.DB), "the store "+r.DB, Me(r.Command, res.Job, r.now().In(r.zone())), r.StoreWait, r.poll)
	if err != nil {
		return fail(err)
	}
	defer func() {
		if err := lock.Unlock(); err != nil {
			r.log().Error("store lock", "error", err)
		}
	}()
	st, err := r.openStore(ctx)
	if err != nil {
		return fail(err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			r.log().Error("close store", "job", res.Job, "error", err)
			if res.Err == nil {
				res.Err = st.Explain(err)
			}
		}
	}()

	env := &runEnv{r: r, store: st, res: res, start: res.StartedAt.In(r.zone()), log: r.log().With("job", res.Job)}
	res.Err = st.Explain(r.call(ctx, body, env))
	res.FinishedAt = r.now()
	// Recorded even when the run was cancelled (serve's stop timeout).
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	id, err := recordRun(rctx, st, res)
	if err != nil {
		r.log().Error("cannot record the run in job_runs", "job", res.Job, "error", err)
		if res.Err == nil {
			res.Err = fmt.Errorf("record the run: %w", err)
		}
		return false
	}
	res.RunID = id
	return true
}

// call runs body, turning a panic into an error.
func (r *Runner) call(ctx context.Context, body jobFunc, env *runEnv) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log().Error("job panicked", "job", env.res.Job, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return body(ctx, env)
}

// openStore opens the store, waiting up to StoreWait while another process
// (a reader such as status) has the file open.
func (r *Runner) openStore(ctx context.Context) (*store.Store, error) {
	deadline := time.Now().Add(r.StoreWait)
	for {
		d := r.Config.DuckDB
		st, err := store.OpenWith(ctx, r.DB, store.Settings{MemoryLimit: d.MemoryLimit, Threads: d.Threads, TempDirectory: d.TempDirectory})
		if err == nil {
			return st, nil
		}
		if !isDuckDBLock(err) {
			return nil, err
		}
		// We hold the lock file, so the other process is not stcrecon (or an
		// older one): DuckDB's message names its process id.
		if !time.Now().Add(r.poll).Before(deadline) {
			return nil, storeBusyError(r.DB, "", err)
		}
		select {
		case <-ctx.Done():
			return nil, storeBusyError(r.DB, "", err)
		case <-time.After(r.poll):
		}
	}
}

// logResult writes the run's one line.
func (r *Runner) logResult(res *Result, recorded bool) {
	attrs := []any{"job", res.Job, "started_by", string(res.StartedBy), "outcome", res.Outcome(),
		"seconds", roundSeconds(res.FinishedAt.Sub(res.StartedAt)),
		"files_loaded", res.FilesLoaded, "files_skipped", res.FilesSkipped, "files_quarantined", res.FilesQuarantined,
		"files_waiting", res.FilesWaiting, "rows_loaded", res.RowsLoaded, "rows_rejected", res.RowsRejected,
		"claims", res.Claims, "findings", res.Findings}
	if !res.ScheduledFor.IsZero() {
		attrs = append(attrs, "scheduled_for", res.ScheduledFor.In(r.zone()).Format(time.RFC3339))
	}
	if res.Output != "" {
		attrs = append(attrs, "output", res.Output)
	}
	if recorded {
		attrs = append(attrs, "run_id", res.RunID)
	} else {
		attrs = append(attrs, "recorded", false)
	}
	switch res.Outcome() {
	case OutcomeFailed:
		r.log().Error("job run", append(attrs, "error", res.Err.Error())...)
	case OutcomeRejects:
		r.log().Warn("job run", attrs...)
	default:
		r.log().Info("job run", attrs...)
	}
}

func roundSeconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond)) / float64(time.Second)
}

// hostPID is what job_runs records of the process.
func hostPID() (string, int) {
	h, _ := os.Hostname()
	return h, os.Getpid()
}
