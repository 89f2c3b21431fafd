package jobs

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"stcrecon/configs"
	"stcrecon/pipeline/store"
)

// everySecond schedules only ingest, every second, with body as its work.
func everySecond(t *testing.T, f *fixture, body jobFunc) {
	t.Helper()
	s, err := configs.ParseSchedule("* * * * * *")
	if err != nil {
		t.Fatal(err)
	}
	f.r.Config.Jobs = configs.Jobs{{Name: "ingest", Spec: "* * * * * *", Schedule: s}}
	f.r.Now = nil // robfig/cron fires on the real clock
	f.r.bodies["ingest"] = body
}

// SIGINT/SIGTERM (ctx ending) stops new runs and waits for the running one;
// meanwhile the schedule keeps firing and each overlapping run is skipped.
func TestServeStopsGracefully(t *testing.T) {
	f := newFixture(t)
	started, release := make(chan struct{}, 10), make(chan struct{})
	everySecond(t, f, func(ctx context.Context, run *runEnv) error {
		started <- struct{}{}
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.r.Serve(ctx) }()
	<-started                           // the catch-up run (the store is new: never ran)
	time.Sleep(1500 * time.Millisecond) // the schedule fires at least once meanwhile: skipped
	stop()
	select {
	case err := <-done:
		t.Fatalf("serve returned while a run was going: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(started) != 0 {
		t.Fatal("a second run started while the first was going")
	}
	logs := f.logs.String()
	for _, want := range []string{"serve: catching up a missed run", "job skipped: its previous run is still going",
		"serve: stopping: no new runs; waiting for the running ones", "running=ingest", "serve: stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	// The run was recorded, and the serve lock is free again.
	rep, err := Status(context.Background(), f.r.Config, f.r.DB, time.Now(), 5)
	if err != nil || len(rep.Jobs[0].Runs) != 1 || rep.Jobs[0].Runs[0].StartedBy != ByCatchUp {
		t.Fatalf("%v %+v", err, rep)
	}
	l, err := TryLock(ServeLockPath(f.r.DB), "serve", Me("t", "", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	l.Unlock()
}

// A run still going after stop_timeout is cancelled, and Serve says so.
func TestServeStopTimeout(t *testing.T) {
	f := newFixture(t)
	f.r.Config.Serve.StopTimeout = 200 * time.Millisecond
	started := make(chan struct{}, 10)
	everySecond(t, f, func(ctx context.Context, run *runEnv) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.r.Serve(ctx) }()
	<-started
	stop()
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "stopped after waiting 200ms: cancelled the run of ingest") {
		t.Fatal(err)
	}
	rep, _ := Status(context.Background(), f.r.Config, f.r.DB, time.Now(), 5)
	if runs := rep.Jobs[0].Runs; len(runs) != 1 || runs[0].Outcome() != OutcomeFailed {
		t.Fatalf("%+v", runs)
	}
}

// Serve runs a job on its schedule and records it (a real second or two).
func TestServeRunsOnSchedule(t *testing.T) {
	f := newFixture(t)
	ran := make(chan Trigger, 10)
	everySecond(t, f, func(ctx context.Context, run *runEnv) error {
		ran <- run.res.StartedBy
		return nil
	})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.r.Serve(ctx) }()
	if by := <-ran; by != ByCatchUp {
		t.Fatalf("first run started by %s", by)
	}
	select {
	case by := <-ran:
		if by != BySchedule {
			t.Fatalf("second run started by %s", by)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no scheduled run within 3 s")
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Another process holding the DuckDB file (here: a child process that opened
// it and did not take the lock file) is named in a clear message; status
// says the runs cannot be read now instead of failing.
func TestStoreHeldByAnotherProcess(t *testing.T) {
	if os.Getenv("STCRECON_HOLD_STORE") != "" {
		return
	}
	f := newFixture(t)
	st, err := store.Open(context.Background(), f.r.DB, "")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldStore$")
	cmd.Env = append(os.Environ(), "STCRECON_HOLD_STORE="+f.r.DB)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "holding" {
		t.Fatalf("helper said %q", line)
	}
	_, err = f.r.Run(context.Background(), "ingest", ByHand, time.Time{})
	if err == nil || !strings.Contains(err.Error(), "the store "+f.r.DB+" is in use by another process (DuckDB allows one writer, or readers only, at a time)") ||
		!strings.Contains(err.Error(), "Could not set lock on file") {
		t.Fatalf("%v", err)
	}
	rep, err := Status(context.Background(), f.r.Config, f.r.DB, time.Now(), 5)
	if err != nil || rep.Busy == nil {
		t.Fatalf("%v %+v", err, rep)
	}
}

// TestHelperHoldStore is the child process of TestStoreHeldByAnotherProcess.
func TestHelperHoldStore(t *testing.T) {
	db := os.Getenv("STCRECON_HOLD_STORE")
	if db == "" {
		t.Skip("helper process only")
	}
	st, err := store.Open(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	os.Stdout.WriteString("holding\n")
	buf := make([]byte, 1)
	if _, err := os.Stdin.Read(buf); err != nil && !errors.Is(err, os.ErrClosed) {
		return
	}
}
