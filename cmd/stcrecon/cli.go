package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Exit statuses (data contract §5). run is the only place that chooses one.
const (
	exitOK       = 0
	exitFailed   = 1
	exitUsage    = 2
	exitRejected = 3 // done, but some rows or files were rejected
)

// commands lists every command's constructor, in the order help shows them.
// A new command is one file with one constructor, added here. The
// constructor sets Use, Short, Long, Example and Args (noArgs, or a function
// returning usagef(...) that says what is wrong), adds its flags
// (addStoreFlags for --db and --config, addConfigFlag for --config alone),
// and returns errors: usagef(...) for exit 2, errRejected for exit 3, any
// other error for exit 1. A command that reads the store opens it with
// open(ctx, existingStore), so it never creates one. Results go to a.stdout;
// the pipeline logs through a.log().
var commands = []func(*app) *cobra.Command{
	newIngestCmd,
	newAuditCmd,
	newReportCmd,
	newRunCmd,
	newServeCmd,
	newStatusCmd,
	newSTCCmd,
	newGenCmd,
}

// app is what every command shares: the streams and the logging set up from
// the global flags.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	logs           logFlags
	out            *output // set before any command runs
}

// usageError is a command line that cannot be run as given (exit 2). Its
// message says what is wrong and how to put it right.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// errRejected means the command finished but rejected some rows or files
// (exit 3); the rejects are already on stderr.
var errRejected = errors.New("some rows or files were rejected")

// run is the whole program; main only turns its result into the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	started := false // true once a command's own code runs: errors before are usage errors
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		started = true
		return a.setUp(cmd)
	}
	exits := &exitFuncs{}
	cmd, err := root.ExecuteContextC(context.WithValue(ctx, exitKey{}, exits))
	exits.run()
	if a.out != nil {
		a.out.clear()
	}
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errRejected):
		return exitRejected
	case errors.As(err, &ue) || !started:
		fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), err)
		if cmd == root || cmd.Name() == "help" {
			fmt.Fprintf(stderr, "Run '%s help' for the commands.\n", root.Name())
		} else {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
		return exitUsage
	default:
		fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), err)
		return exitFailed
	}
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "stcrecon",
		Short: "Reconcile STC claims against the serial ledgers, CEC lists and supplier list",
		Long: `stcrecon reconciles small-scale technology certificate (STC) claims against the
manufacturers' serial-number ledgers, the CEC approved-product lists and the
authorised-supplier list. Files are loaded into one DuckDB store (ingest), every
claim is checked against them (audit), and the findings are written for the
analysts who act on them.

Exit status: 0 done; 1 failed; 2 bad usage; 3 done, but some rows or files were
rejected.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// Bare "stcrecon" is a usage error: it names no command.
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var b strings.Builder
			b.WriteString("name a command:")
			for _, c := range cmd.Commands() {
				if c.IsAvailableCommand() {
					fmt.Fprintf(&b, "\n  %-11s %s", c.Name(), c.Short)
				}
			}
			return usagef("%s", b.String())
		},
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
	}
	root.SuggestionsMinimumDistance = 2
	cobra.EnableCommandSorting = false // help lists the commands in the order of commands
	root.SetVersionTemplate("stcrecon {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{msg: err.Error()}
	})
	a.logs.register(root)
	root.SetHelpCommand(helpCmd(root))
	for _, newCmd := range commands {
		root.AddCommand(newCmd(a))
	}
	return root
}

// helpCmd is "help [COMMAND]": cobra's own prints an unknown topic's error
// on stdout with exit 0; this one makes it a usage error.
func helpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "Describe a command, its flags and examples",
		Long:  "Describe a command, its flags and examples; with no command, list the commands.",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var names []cobra.Completion
			for _, sub := range root.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := root.Find(args)
			switch {
			case err != nil || cmd == root && len(args) > 0:
				return unknownCommand(root, args)
			case len(rest) > 0:
				return usagef("%q is not a command of %s: help describes one command, for example 'stcrecon help ingest'", rest[0], cmd.CommandPath())
			}
			cmd.InitDefaultHelpFlag() // as "COMMAND --help" would
			cmd.InitDefaultVersionFlag()
			return cmd.Help()
		},
	}
}

// unknownCommand rejects a first argument that names no command, suggesting
// the nearest ones.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(": did you mean %s?", strings.Join(s, " or "))
	}
	return usagef("%s", msg)
}

// noArgs says what is wrong with the arguments in the words of
// the command's usage line.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q: %s takes flags only", args[0], cmd.CommandPath())
	}
	return nil
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands writes n with comma separators, as people read counts.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
