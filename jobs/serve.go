package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Serve runs the configured jobs on their schedules until ctx ends.
//
// At start it takes the store's serve lock (a second serve on the same store
// is refused, naming the first), then catches up: each job whose last
// successful run started before its latest scheduled time runs once, in the
// order the config lists them. robfig/cron then fires the jobs on the
// Schedules of this package, in the configured zone.
//
// When ctx ends (SIGINT, SIGTERM), no new run starts; Serve waits up to the
// config's serve.stop_timeout for the running ones, then cancels them and
// returns an error naming them.
func (r *Runner) Serve(ctx context.Context) error {
	if len(r.Config.Jobs) == 0 {
		return errors.New("the config schedules no jobs: nothing to serve")
	}
	lock, err := TryLock(ServeLockPath(r.DB), "the store "+r.DB, Me(r.Command, "", r.now().In(r.zone())))
	var held *HeldError
	if errors.As(err, &held) {
		return fmt.Errorf("another serve runs on this store: %w", err)
	} else if err != nil {
		return err
	}
	defer lock.Unlock()

	loc := r.zone()
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()
	var (
		mu       sync.Mutex
		stopping bool
		wg       sync.WaitGroup
		lastSlot = map[string]time.Time{}
	)
	launch := func(job string, by Trigger, slot time.Time) {
		mu.Lock()
		if stopping {
			mu.Unlock()
			return
		}
		if !slot.IsZero() && lastSlot[job].Equal(slot) {
			mu.Unlock()
			r.log().Warn("job skipped: it already ran for this scheduled time", "job", job, "scheduled_for", slot)
			return
		}
		if !slot.IsZero() {
			lastSlot[job] = slot
		}
		wg.Add(1)
		mu.Unlock()
		defer wg.Done()
		r.Run(runCtx, job, by, slot) // logs its own outcome, records it, notifies on failure
	}

	due, err := r.missed(ctx)
	if err != nil {
		r.log().Error("serve: catch-up: cannot read the run history; no missed run is caught up", "error", err)
	}
	clog := cronLogger{r.log()}
	c := cron.New(cron.WithLocation(loc), cron.WithLogger(clog), cron.WithChain(cron.Recover(clog)))
	now := r.now()
	for _, j := range r.Config.Jobs {
		j, s := j, NewSchedule(j.Schedule, loc)
		c.Schedule(s, cron.FuncJob(func() { launch(j.Name, BySchedule, s.Prev(r.now())) }))
		r.log().Info("serve: scheduled", "job", j.Name, "spec", j.Spec, "next", s.Next(now).Format(time.RFC3339))
	}
	c.Start()
	r.log().Info("serve: started", "store", r.DB, "zone", loc.String(), "jobs", len(r.Config.Jobs), "catch_up", len(due))
	go func() {
		for _, d := range due {
			r.log().Info("serve: catching up a missed run", "job", d.job, "scheduled_for", d.slot.Format(time.RFC3339),
				"last_success", formatTime(d.last))
			launch(d.job, ByCatchUp, d.slot)
		}
	}()

	<-ctx.Done()
	mu.Lock()
	stopping = true
	mu.Unlock()
	c.Stop()
	timeout := r.Config.Serve.StopTimeout
	r.log().Info("serve: stopping: no new runs; waiting for the running ones", "running", strings.Join(r.Running(), ","),
		"timeout", timeout.String())
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		r.log().Info("serve: stopped")
		return nil
	case <-time.After(timeout):
	}
	running := r.Running()
	cancelRuns()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
	}
	return fmt.Errorf("stopped after waiting %s: cancelled the run of %s", timeout, strings.Join(running, ", "))
}

// Running lists the jobs running now.
func (r *Runner) Running() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for j := range r.running {
		out = append(out, j)
	}
	sort.Strings(out)
	return out
}

// catchUp is a missed scheduled run.
type catchUp struct {
	job        string
	slot, last time.Time
}

// missed lists the scheduled jobs whose last successful run started before
// their latest scheduled time (or that never ran), in config order.
func (r *Runner) missed(ctx context.Context) ([]catchUp, error) {
	now := r.now()
	last := map[string]time.Time{}
	if _, err := os.Stat(r.DB); err == nil {
		if err := r.withStore(ctx, "catch-up", func(ctx context.Context, env *runEnv) error {
			for _, j := range r.Config.Jobs {
				t, err := lastSuccess(ctx, env.store.DB, j.Name)
				if err != nil {
					return err
				}
				last[j.Name] = t
			}
			return nil
		}); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var due []catchUp
	for _, j := range r.Config.Jobs {
		slot := NewSchedule(j.Schedule, r.zone()).Prev(now)
		if !slot.IsZero() && last[j.Name].Before(slot) {
			due = append(due, catchUp{job: j.Name, slot: slot, last: last[j.Name]})
		}
	}
	return due, nil
}

// withStore runs fn with the store held and open, outside any job.
func (r *Runner) withStore(ctx context.Context, what string, fn jobFunc) error {
	select {
	case r.storeSem <- struct{}{}:
		defer func() { <-r.storeSem }()
	case <-ctx.Done():
		return ctx.Err()
	}
	lock, err := WaitLock(ctx, StoreLockPath(r.DB), "the store "+r.DB, Me(r.Command, what, r.now().In(r.zone())), r.StoreWait, r.poll)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	st, err := r.openStore(ctx)
	if err != nil {
		return err
	}
	ferr := fn(ctx, &runEnv{r: r, store: st, log: r.log()})
	if err := st.Close(); ferr == nil {
		ferr = err
	}
	return ferr
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Format(time.RFC3339)
}

// cronLogger passes robfig/cron's logging to slog: its chatter at debug level.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "error", err)...)
}

var _ cron.Schedule = Schedule{}
