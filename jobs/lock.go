package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// A DuckDB file admits one read-write process at a time, and DuckDB's own
// refusal ("Could not set lock on file") names a process id but not what it is
// doing. So every writer stcrecon runs takes an advisory lock (flock(2)) on a
// file beside the store, <db>.lock, and writes into it who holds it; a second
// writer is refused with that. `serve` also holds <db>.serve.lock for its
// whole life, so a second serve on the same store is refused at once. The lock
// goes with the process: a killed holder leaves no stale lock.

// Holder says who holds a lock.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command"`       // e.g. "stcrecon serve"
	Job     string    `json:"job,omitempty"` // the job running, if any
	Since   time.Time `json:"since"`
}

func (h Holder) String() string {
	s := fmt.Sprintf("process %d on %s (%s", h.PID, h.Host, h.Command)
	if h.Job != "" {
		s += ", running " + h.Job
	}
	return s + ") since " + h.Since.Format("2006-01-02 15:04:05 -07:00")
}

// Me describes this process as a lock holder.
func Me(command, job string, now time.Time) Holder {
	host, _ := os.Hostname()
	return Holder{PID: os.Getpid(), Host: host, Command: command, Job: job, Since: now}
}

// HeldError is the refusal of a lock somebody else holds.
type HeldError struct {
	What   string  // "the store var/stcrecon.duckdb"
	Holder *Holder // nil when the holder wrote nothing (yet)
}

func (e *HeldError) Error() string {
	if e.Holder == nil {
		return e.What + " is in use by another process"
	}
	return e.What + " is in use by " + e.Holder.String()
}

// Lock is a held lock file.
type Lock struct {
	f *os.File
}

// StoreLockPath and ServeLockPath are the lock files beside a store.
func StoreLockPath(db string) string { return db + ".lock" }

// ServeLockPath is held by serve for its whole life.
func ServeLockPath(db string) string { return db + ".serve.lock" }

// TryLock takes the lock at path for h, or returns a *HeldError naming the
// holder. what names the locked thing in that message.
func TryLock(path, what string, h Holder) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil { // the store's folder, on a first run
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder, _ := ReadHolder(path)
			return nil, &HeldError{What: what, Holder: holder}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	b, err := json.Marshal(h)
	if err == nil {
		if err = f.Truncate(0); err == nil {
			_, err = f.WriteAt(append(b, '\n'), 0)
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// WaitLock is TryLock retried every poll until wait has passed or ctx ends.
func WaitLock(ctx context.Context, path, what string, h Holder, wait, poll time.Duration) (*Lock, error) {
	deadline := time.Now().Add(wait)
	for {
		l, err := TryLock(path, what, h)
		var held *HeldError
		if err == nil || !errors.As(err, &held) || !time.Now().Add(poll).Before(deadline) {
			return l, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (stopped waiting: %v)", err, ctx.Err())
		case <-time.After(poll):
		}
	}
}

// Unlock empties the file (so nobody is named as holder) and releases it.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	terr := l.f.Truncate(0)
	err := l.f.Close() // closing the descriptor releases the flock
	l.f = nil
	if err == nil {
		err = terr
	}
	return err
}

// ReadHolder reads who holds the lock at path; nil when nobody is named.
func ReadHolder(path string) (*Holder, error) {
	b, err := os.ReadFile(path)
	if err != nil || len(strings.TrimSpace(string(b))) == 0 {
		return nil, err
	}
	var h Holder
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, err
	}
	return &h, nil
}

// isDuckDBLock tells whether err is DuckDB refusing a file another process has open.
func isDuckDBLock(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Could not set lock on file")
}

// storeBusyError turns DuckDB's lock error into one that says what to do,
// naming the holder when the lock file at lockPath does.
func storeBusyError(db, lockPath string, err error) error {
	if lockPath == "" {
		return fmt.Errorf("the store %s is in use by another process (DuckDB allows one writer, or readers only, at a time): %w", db, err)
	}
	if h, _ := ReadHolder(lockPath); h != nil {
		return fmt.Errorf("the store %s is in use by %s; only one process may write it at a time: %w", db, h, err)
	}
	return fmt.Errorf("the store %s is in use by another process (DuckDB allows one writer, or readers only, at a time): %w", db, err)
}

// ExplainStoreError turns DuckDB's refusal to open a store another process
// holds into a message naming the holder where stcrecon's lock file does;
// any other error is returned as it is.
func ExplainStoreError(db string, err error) error {
	if !isDuckDBLock(err) {
		return err
	}
	return storeBusyError(db, StoreLockPath(db), err)
}
