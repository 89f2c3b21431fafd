package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

const (
	readmePath  = "../../README.md"
	readmeBegin = "<!-- commands: generated from the CLI's help by `go test ./cmd/stcrecon -run TestREADME -update` -->\n"
	readmeEnd   = "<!-- commands: end -->\n"
)

// The README's command and flag tables are the CLI's own help: this test
// fails when they drift, and -update rewrites them.
func TestREADMECommands(t *testing.T) {
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, readmeBegin), strings.Index(readme, readmeEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no generated commands section (%q ... %q)", readmeBegin, readmeEnd)
	}
	got := readme[i+len(readmeBegin) : j]
	want := commandsMarkdown((&app{}).rootCmd())
	if got == want {
		return
	}
	if *update {
		readme = readme[:i+len(readmeBegin)] + want + readme[j:]
		if err := os.WriteFile(readmePath, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("README.md's commands differ from the CLI's help (go test ./cmd/stcrecon -run TestREADME -update rewrites them)\n got:\n%s\nwant:\n%s", got, want)
}

// commandsMarkdown writes a table of the commands and one of their flags.
func commandsMarkdown(root *cobra.Command) string {
	var b strings.Builder
	b.WriteString("\n| command | what it does |\n| --- | --- |\n")
	type flagRow struct {
		flag, usage string
		cmds        []string
	}
	rows := map[string]*flagRow{}
	// A command with subcommands (report) is listed as its subcommands.
	var cmds []*cobra.Command
	for _, c := range root.Commands() {
		if !c.IsAvailableCommand() || c.Name() == "completion" {
			continue
		}
		if c.HasAvailableSubCommands() {
			cmds = append(cmds, c.Commands()...)
			continue
		}
		cmds = append(cmds, c)
	}
	for _, c := range cmds {
		if !c.IsAvailableCommand() {
			continue
		}
		path := strings.TrimPrefix(c.CommandPath(), root.Name()+" ")
		fmt.Fprintf(&b, "| `%s %s` | %s |\n", root.Name(), strings.Replace(c.Use, c.Name(), path, 1), c.Short)
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Hidden || f.Name == "help" {
				return
			}
			name, usage := pflag.UnquoteUsage(f)
			flag := "--" + f.Name
			if name != "" {
				flag += " " + name
			}
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				usage += fmt.Sprintf(" (default %s)", f.DefValue)
			}
			key := flag + "\x00" + usage
			if rows[key] == nil {
				rows[key] = &flagRow{flag: flag, usage: usage}
			}
			rows[key].cmds = append(rows[key].cmds, path)
		})
	}
	fmt.Fprintf(&b, "\n| flag | of | what it does |\n| --- | --- | --- |\n")
	var keys []string
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r := rows[k]
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.flag, strings.Join(r.cmds, ", "), strings.ReplaceAll(r.usage, "|", `\|`))
	}
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
		name, usage := pflag.UnquoteUsage(f)
		flag := "--" + f.Name
		if f.Shorthand != "" {
			flag = "-" + f.Shorthand + ", " + flag
		}
		if name != "" {
			flag += " " + name
		}
		if f.DefValue != "" && f.DefValue != "false" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(&b, "| `%s` | every command | %s |\n", flag, usage)
	})
	b.WriteString("\n")
	return b.String()
}
