package configs

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestShippedJobs(t *testing.T) {
	c, err := Load("stcrecon.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Timezone.Name != "Australia/Sydney" || c.Folders.Inbox != "var/inbox" || c.Folders.Reports != "var/reports" ||
		c.Settle() != 10*time.Second || c.Serve.StopTimeout != 5*time.Minute {
		t.Fatalf("%+v %+v", c.Folders, c.Serve)
	}
	var names []string
	for _, j := range c.Jobs {
		names = append(names, j.Name)
		if j.Schedule == nil || j.Line == 0 {
			t.Fatalf("%+v", j)
		}
	}
	if strings.Join(names, ",") != strings.Join(JobNames, ",") {
		t.Fatalf("shipped jobs %v, want %v", names, JobNames)
	}
	// The nightly audit is at 02:30 wall-clock time.
	j, _ := c.Jobs.Find("nightly-audit")
	next := j.Schedule.Next(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	if next != time.Date(2026, 11, 24, 2, 30, 0, 0, time.UTC) {
		t.Fatalf("next %v", next)
	}
}

// A config without the jobs' keys gets the defaults.
func TestJobDefaults(t *testing.T) {
	base, _ := os.ReadFile("stcrecon.yaml")
	text := string(base)[:strings.Index(string(base), "\n# Folders the jobs use")]
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte(text), 0o644)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Timezone.Name != "Australia/Sydney" || c.Folders.Quarantine != "var/quarantine" || c.Settle() != 10*time.Second ||
		len(c.Jobs) != 0 || c.Serve.StoreWait != 10*time.Minute {
		t.Fatalf("%+v", c)
	}
}

// Bad job settings are errors that name the file and line.
func TestJobConfigErrors(t *testing.T) {
	base, _ := os.ReadFile("stcrecon.yaml")
	line := func(s string) int { return strings.Count(string(base)[:strings.Index(string(base), s)], "\n") + 1 }
	nightly, tz := line(`nightly-audit: "30 2`), line("timezone: Australia")
	cases := map[string]struct{ from, to, err string }{
		"bad spec":        {`"30 2 * * *"`, `"30 25 * * *"`, "c.yaml:%d: jobs.nightly-audit: cron spec \"30 25 * * *\": end of range (25) above maximum (23)"},
		"TZ prefix":       {`"30 2 * * *"`, `"TZ=Australia/Perth 30 2 * * *"`, "c.yaml:%d: jobs.nightly-audit: cron spec \"TZ=Australia/Perth 30 2 * * *\": remove the TZ= prefix"},
		"TZ panics":       {`"30 2 * * *"`, `"CRON_TZ=x"`, "c.yaml:%d: jobs.nightly-audit: cron spec \"CRON_TZ=x\": remove the TZ= prefix"},
		"every":           {`"30 2 * * *"`, `"@every 1h"`, "c.yaml:%d: jobs.nightly-audit: cron spec \"@every 1h\": @every has no fixed times"},
		"never":           {`"30 2 * * *"`, `"0 0 30 2 *"`, "c.yaml:%d: jobs.nightly-audit: cron spec \"0 0 30 2 *\": never fires"},
		"unknown job":     {`nightly-audit: "30 2`, `nightly-audt: "30 2`, "c.yaml:%d: jobs: unknown job \"nightly-audt\""},
		"bad zone":        {"timezone: Australia/Sydney", "timezone: Australia/Sidney", "c.yaml:%d: timezone: \"Australia/Sidney\" is not a time zone"},
		"unknown key":     {"  store_wait: 10m", "  store_wait: 10m\n  stop_timout: 1m", "field stop_timout not found"},
		"bad duration":    {"stop_timeout: 5m", "stop_timeout: 5 minutes", "5 minutes"},
		"bad webhook":     {`webhook: ""`, `webhook: "ftp://x"`, `serve.on_failure.webhook: "ftp://x" is not an http(s) URL`},
		"negative settle": {"settle_seconds: 10", "settle_seconds: -1", "settle_seconds: -1 must not be negative"},
	}
	dir := t.TempDir()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			text := strings.Replace(string(base), c.from, c.to, 1)
			if text == string(base) {
				t.Fatalf("%q not in the shipped config", c.from)
			}
			want := c.err
			if strings.Contains(want, "%d") {
				l := nightly
				if name == "bad zone" {
					l = tz
				}
				want = strings.Replace(want, "%d", strconv.Itoa(l), 1)
			}
			p := filepath.Join(dir, "c.yaml")
			os.WriteFile(p, []byte(text), 0o644)
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v, want it to say %q", err, want)
			}
		})
	}
}

// The systemd unit runs serve, and waits for it longer than serve waits for
// a running job.
func TestSystemdUnit(t *testing.T) {
	b, err := os.ReadFile("stcrecon.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, want := range []string{"\nExecStart=/usr/local/bin/stcrecon serve --config /etc/stcrecon/stcrecon.yaml\n",
		"\nWorkingDirectory=/var/lib/stcrecon\n", "\nKillSignal=SIGTERM\n"} {
		if !strings.Contains(unit, want) {
			t.Errorf("unit lacks %q", strings.TrimSpace(want))
		}
	}
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(unit, "\nTimeoutStopSec=")
	if i < 0 {
		t.Fatal("no TimeoutStopSec")
	}
	v := strings.TrimSuffix(strings.Fields(unit[i+len("\nTimeoutStopSec="):])[0], "in") // 6min -> 6m
	stop, err := time.ParseDuration(v)
	if err != nil || stop <= c.Serve.StopTimeout {
		t.Fatalf("TimeoutStopSec %q must exceed serve.stop_timeout %s (%v)", v, c.Serve.StopTimeout, err)
	}
}
