//go:build !unix

package audit

import "time"

// processCPU is not reported here: steps log 0 CPU seconds.
func processCPU() time.Duration { return 0 }
