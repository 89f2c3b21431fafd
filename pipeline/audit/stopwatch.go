package audit

import "time"

// stopwatch times one step of a run: the wall time, and the CPU time (user
// and system) of the whole process meanwhile, which on a shared machine says
// more than the wall time. The steps run one after another, so the process's
// CPU time in a step is the step's, DuckDB's worker threads included.
type stopwatch struct {
	wall time.Time
	cpu  time.Duration
}

func startWatch() stopwatch { return stopwatch{wall: time.Now(), cpu: processCPU()} }

// seconds is the wall time since the watch started.
func (w stopwatch) seconds() float64 { return time.Since(w.wall).Seconds() }

// cpuSeconds is the process's CPU time since the watch started (0 where the
// system does not report it).
func (w stopwatch) cpuSeconds() float64 { return (processCPU() - w.cpu).Seconds() }
