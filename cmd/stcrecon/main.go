// Command stcrecon reconciles STC claims against the serial-number ledgers,
// the CEC approved-product lists and the authorised-supplier list.
// See README.md and the data contract for what it reads, checks and writes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
