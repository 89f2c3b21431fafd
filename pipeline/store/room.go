package store

import (
	"strings"
)

// RoomError is an error of DuckDB's or the system's that says a disk ran out
// of room, with what the analyst can do about it: DuckDB's own words name a
// file, or a PRAGMA to type, not the setting in stcrecon's configuration that
// moves the spill files.
type RoomError struct {
	Err  error
	Hint string
}

func (e *RoomError) Error() string { return e.Err.Error() + "\n" + e.Hint }
func (e *RoomError) Unwrap() error { return e.Err }

// Explain returns err with a hint when it says a disk ran out of room, and
// err itself otherwise. Joins and sorts that outgrow duckdb.memory_limit spill
// to duckdb.temp_directory (<db>.tmp by default). DuckDB refuses to spill more
// than that disk had free when it began ("failed to offload data block ...
// max_temp_directory_size"), and a write that finds the disk full fails with
// "No space left on device": the store, its write-ahead log, a spill file or
// an output file. Either way nothing is recorded half way (a file loads and an
// audit run is recorded in one transaction each), so the command can be run
// again once there is room.
func (s *Store) Explain(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	spill := strings.Contains(msg, "failed to offload data block")
	full := strings.Contains(strings.ToLower(msg), "no space left on device")
	if !spill && !full {
		return err
	}
	dir := s.set.TempDirectory
	if dir == "" {
		dir = s.Path + ".tmp"
	}
	limit := s.set.MemoryLimit
	if limit == "" {
		limit = "DuckDB's default, 80 % of RAM"
	}
	hint := "A disk is full. Free space on the disk of the file named above and run the command again: nothing was recorded half way."
	if spill || strings.Contains(msg, dir) {
		hint = "DuckDB ran out of disk for its spill files: joins and sorts that outgrow duckdb.memory_limit (" + limit +
			") spill to duckdb.temp_directory (" + dir + "). Free space on that disk, set temp_directory in the configuration" +
			" to a folder on a disk with more room (a full audit of every claim at national scale spills about 8 GB)," +
			" or raise memory_limit; then run the command again: nothing was recorded half way."
	}
	return &RoomError{Err: err, Hint: hint}
}
