package ingest

import (
	"bufio"
	"encoding/binary"
	"io"
	"os"
)

// spill is an append-only list of fixed-size items (structs of int64) that
// keeps at most spillMem of them in memory and writes the others, in order, to
// a temp file. The byte scan lists a file's bad rows and line shifts in them:
// those lists grow with the file, and a file whose every row is bad must not
// drive ingest past the 1.5 GB of data contract §1 (a million bad rows held
// as Go values took 0.2 GB; DuckDB skipping them in read_csv, 0.6 GB more).
type spill[T any] struct {
	mem  []T
	f    *os.File
	w    *bufio.Writer
	n    int64 // items in all
	err  error
	name string
}

// spillMem is how many items a spill keeps in memory: 1 MiB of four int64s.
const spillMem = 1 << 15

func (s *spill[T]) add(v T) {
	if s.err != nil {
		return
	}
	s.n++
	s.mem = append(s.mem, v)
	if len(s.mem) == spillMem {
		s.flush()
	}
}

// flush writes the items in memory to the temp file, made on first use and
// unlinked at once where the system allows: it is gone when the process ends,
// however it ends.
func (s *spill[T]) flush() {
	if s.f == nil {
		f, err := os.CreateTemp("", "stcrecon-scan-")
		if err != nil {
			s.err = err
			return
		}
		s.f, s.w, s.name = f, bufio.NewWriterSize(f, 1<<16), f.Name()
		if os.Remove(s.name) == nil {
			s.name = ""
		}
	}
	if err := binary.Write(s.w, binary.LittleEndian, s.mem); err != nil {
		s.err = err
		return
	}
	s.mem = s.mem[:0]
}

func (s *spill[T]) len() int64 { return s.n }

// each calls fn with every item, in the order added, and stops at fn's first
// error. It may be called more than once.
func (s *spill[T]) each(fn func(T) error) error {
	if s.err != nil {
		return s.err
	}
	if s.f != nil {
		if err := s.w.Flush(); err != nil {
			return err
		}
		r := bufio.NewReaderSize(io.NewSectionReader(s.f, 0, 1<<62), 1<<16)
		buf := make([]T, spillMem)
		for left := s.n - int64(len(s.mem)); left > 0; {
			k := int(min(left, spillMem))
			if err := binary.Read(r, binary.LittleEndian, buf[:k]); err != nil {
				return err
			}
			for _, v := range buf[:k] {
				if err := fn(v); err != nil {
					return err
				}
			}
			left -= int64(k)
		}
	}
	for _, v := range s.mem {
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

// close removes the temp file, if one was made.
func (s *spill[T]) close() {
	if s.f != nil {
		s.f.Close()
		if s.name != "" {
			os.Remove(s.name)
		}
		s.f = nil
	}
	s.mem = nil
}
