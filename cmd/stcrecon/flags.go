package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"

	"stcrecon/configs"
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
	db string
}

func addStoreFlags(cmd *cobra.Command) *storeFlags {
	f := &storeFlags{configFlag: addConfigFlag(cmd)}
	cmd.Flags().StringVar(&f.db, "db", "", "the DuckDB store `FILE` (default: the config's db, var/stcrecon.duckdb)")
	return f
}

// storeMode says whether a command may create the store.
type storeMode int

const (
	existingStore storeMode = iota // readers: a missing store is an error
	createStore                    // ingest: a missing store is created
)

// open loads the config and opens the store.
func (f *storeFlags) open(ctx context.Context, mode storeMode) (*configs.Config, *store.Store, error) {
	cfg, err := f.load()
	if err != nil {
		return nil, nil, err
	}
	path := f.db
	if path == "" {
		path = cfg.DB
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
		return nil, nil, err
	}
	return cfg, st, nil
}
