package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"stcrecon/configs"
	"stcrecon/jobs"
	"stcrecon/pipeline/store"
)

// configFlag is --config, for the commands that read the configuration.
type configFlag struct{ path string }

func addConfigFlag(cmd *cobra.Command) *configFlag {
	f := &configFlag{}
	cmd.Flags().StringVar(&f.path, "config", configs.DefaultPath,
		"read the configuration from `FILE`; without it, the shipped one if the default is missing")
	return f
}

func (f *configFlag) load() (*configs.Config, error) {
	return configs.Load(f.path)
}

// storeFlags are --config and --db, for the commands that use the store.
type storeFlags struct {
	*configFlag
	db  string
	cmd *cobra.Command
}

func addStoreFlags(cmd *cobra.Command) *storeFlags {
	f := &storeFlags{configFlag: addConfigFlag(cmd), cmd: cmd}
	cmd.Flags().StringVar(&f.db, "db", "", "the DuckDB store `FILE` (default: the config's db, var/stcrecon.duckdb)")
	return f
}

// storeMode says whether a command may create the store.
type storeMode int

const (
	existingStore storeMode = iota // readers: a missing store is an error
	createStore                    // ingest: a missing store is created
)

// path is the store's path: --db, else the config's db.
func (f *storeFlags) path(cfg *configs.Config) string {
	if f.db != "" {
		return f.db
	}
	return cfg.DB
}

// open loads the config and opens the store. It first takes the store's lock
// file (see package jobs), so while another stcrecon process writes the store
// (serve running a job, another ingest) the command is refused with a message
// naming it; the lock is released when the command ends (see run).
func (f *storeFlags) open(ctx context.Context, mode storeMode) (*configs.Config, *store.Store, error) {
	cfg, err := f.load()
	if err != nil {
		return nil, nil, err
	}
	path := f.path(cfg)
	if err := lockStore(ctx, path, mode, f.cmd.CommandPath()); err != nil {
		return nil, nil, err
	}
	set := store.Settings{MemoryLimit: cfg.DuckDB.MemoryLimit, Threads: cfg.DuckDB.Threads, TempDirectory: cfg.DuckDB.TempDirectory}
	var st *store.Store
	if mode == createStore {
		st, err = store.OpenWith(ctx, path, set)
	} else {
		st, err = store.OpenExisting(ctx, path, set)
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("%w: ingest files to create one, or name an existing store with --db FILE", err)
		}
	}
	if err != nil {
		return nil, nil, jobs.ExplainStoreError(path, err)
	}
	return cfg, st, nil
}

// lockStore takes the lock file of the store at path for the rest of the
// command. A store that does not exist (and may not be created) is left to
// OpenExisting's error.
func lockStore(ctx context.Context, path string, mode storeMode, command string) error {
	if mode == existingStore {
		if _, err := os.Stat(path); err != nil {
			return nil
		}
	} else if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	l, err := jobs.TryLock(jobs.StoreLockPath(path), "the store "+path, jobs.Me(command, "", time.Now()))
	if err != nil {
		return err
	}
	atExit(ctx, func() { l.Unlock() })
	return nil
}

// exitKey finds, in a command's context, what run does when the command ends.
type exitKey struct{}

type exitFuncs struct{ fns []func() }

// atExit has run call fn when the command ends, whatever the outcome.
func atExit(ctx context.Context, fn func()) {
	if e, ok := ctx.Value(exitKey{}).(*exitFuncs); ok {
		e.fns = append(e.fns, fn)
	}
}

func (e *exitFuncs) run() {
	for i := len(e.fns) - 1; i >= 0; i-- {
		e.fns[i]()
	}
	e.fns = nil
}
