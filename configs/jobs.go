package configs

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // the time zone works on a machine without zoneinfo files

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"
)

// JobNames are the jobs stcrecon knows (data contract §7), in the order
// serve lists and catches them up.
var JobNames = []string{"ingest", "nightly-audit", "monthly-compliance", "weekly-notices"}

// Folders are where the jobs find and put files. Relative paths are taken from
// the working directory, like db.
type Folders struct {
	Inbox      string `yaml:"inbox"`
	Archive    string `yaml:"archive"`
	Quarantine string `yaml:"quarantine"`
	Reports    string `yaml:"reports"`
}

// Zone is the configured time zone: its name and the location it loads.
type Zone struct {
	Name string
	Loc  *time.Location
}

// UnmarshalYAML loads the zone, so a bad name is an error with its line.
func (z *Zone) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return lineErrorf(n.Line, "timezone: want a zone name such as Australia/Sydney")
	}
	loc, err := time.LoadLocation(n.Value)
	if err != nil || n.Value == "" || strings.EqualFold(n.Value, "local") {
		return lineErrorf(n.Line, "timezone: %q is not a time zone name such as Australia/Sydney", n.Value)
	}
	z.Name, z.Loc = n.Value, loc
	return nil
}

// Job is one scheduled job: its name and cron spec, and the line that set it.
type Job struct {
	Name     string
	Spec     string
	Line     int
	Schedule *cron.SpecSchedule // wall-clock times; the jobs package applies the zone
}

// Jobs are the scheduled jobs in the order the config lists them.
type Jobs []Job

// UnmarshalYAML reads `name: "cron spec"` pairs; an unknown job or a bad spec
// is an error with its line number.
func (js *Jobs) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return lineErrorf(n.Line, `jobs: want job names with a cron spec each, e.g. ingest: "*/15 * * * *"`)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !isJobName(k.Value) {
			return lineErrorf(k.Line, "jobs: unknown job %q (known: %s)", k.Value, strings.Join(JobNames, ", "))
		}
		if seen[k.Value] {
			return lineErrorf(k.Line, "jobs: %s is listed twice", k.Value)
		}
		seen[k.Value] = true
		if v.Kind != yaml.ScalarNode {
			return lineErrorf(v.Line, "jobs.%s: want a cron spec in quotes", k.Value)
		}
		sched, err := ParseSchedule(v.Value)
		if err != nil {
			return lineErrorf(v.Line, "jobs.%s: %v", k.Value, err)
		}
		*js = append(*js, Job{Name: k.Value, Spec: v.Value, Line: v.Line, Schedule: sched})
	}
	return nil
}

// Find returns the job called name, and false when it is not scheduled.
func (js Jobs) Find(name string) (Job, bool) {
	for _, j := range js {
		if j.Name == name {
			return j, true
		}
	}
	return Job{}, false
}

func isJobName(s string) bool {
	for _, n := range JobNames {
		if n == s {
			return true
		}
	}
	return false
}

var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a cron spec: five fields (minute hour day-of-month month
// day-of-week), an optional leading seconds field, or @daily, @weekly,
// @monthly... The times are wall-clock times of the configured zone, so a
// TZ= or CRON_TZ= prefix is refused (and robfig/cron v3.0.1 panics on some
// malformed ones), as is @every, which has no fixed times to catch up.
func ParseSchedule(spec string) (s *cron.SpecSchedule, err error) {
	spec = strings.TrimSpace(spec)
	switch {
	case spec == "":
		return nil, errors.New("empty cron spec")
	case strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ="):
		return nil, fmt.Errorf("cron spec %q: remove the TZ= prefix: every job runs in the configured timezone", spec)
	case strings.HasPrefix(spec, "@every"):
		return nil, fmt.Errorf("cron spec %q: @every has no fixed times to catch up after downtime; write the times, e.g. */15 * * * *", spec)
	}
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("cron spec %q: cannot be parsed (%v)", spec, r)
		}
	}()
	parsed, err := cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("cron spec %q: %w", spec, err)
	}
	ss, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("cron spec %q: not a calendar schedule", spec)
	}
	ss.Location = time.UTC // wall clock: no daylight saving here, the jobs package maps it into the zone
	// robfig gives up after five years without a match (e.g. 30 February).
	if ss.Next(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, fmt.Errorf("cron spec %q: never fires", spec)
	}
	return ss, nil
}

// Serve tunes the daemon.
type Serve struct {
	// StopTimeout bounds how long SIGINT/SIGTERM waits for a running job.
	StopTimeout time.Duration `yaml:"stop_timeout"`
	// StoreWait bounds how long a scheduled run waits for the store while
	// another process (an ad-hoc ingest, a report) holds it.
	StoreWait time.Duration `yaml:"store_wait"`
	// OnFailure is called when a job fails.
	OnFailure OnFailure `yaml:"on_failure"`
}

// OnFailure is what to call when a job fails: a command (argv, no shell),
// a webhook (HTTP POST of a JSON body), both or neither.
type OnFailure struct {
	Command []string `yaml:"command"`
	Webhook string   `yaml:"webhook"`
}

// validateJobs fills the defaults of the jobs' settings and checks them.
func (c *Config) validateJobs() error {
	f := &c.Folders
	for _, d := range []struct {
		p   *string
		def string
	}{{&f.Inbox, "var/inbox"}, {&f.Archive, "var/archive"}, {&f.Quarantine, "var/quarantine"}, {&f.Reports, "var/reports"}} {
		if *d.p == "" {
			*d.p = d.def
		}
	}
	if c.Timezone.Loc == nil {
		loc, err := time.LoadLocation("Australia/Sydney")
		if err != nil {
			return err
		}
		c.Timezone = Zone{Name: "Australia/Sydney", Loc: loc}
	}
	if c.SettleSeconds == nil {
		ten := 10
		c.SettleSeconds = &ten
	}
	if *c.SettleSeconds < 0 {
		return fmt.Errorf("settle_seconds: %d must not be negative", *c.SettleSeconds)
	}
	s := &c.Serve
	if s.StopTimeout == 0 {
		s.StopTimeout = 5 * time.Minute
	}
	if s.StoreWait == 0 {
		s.StoreWait = 10 * time.Minute
	}
	if s.StopTimeout < 0 || s.StoreWait < 0 {
		return errors.New("serve: stop_timeout and store_wait must not be negative")
	}
	if w := s.OnFailure.Webhook; w != "" {
		u, err := url.Parse(w)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("serve.on_failure.webhook: %q is not an http(s) URL", w)
		}
	}
	return nil
}

// Settle is how recently modified an inbox file may be and still be left for
// the next run (it may still be being written).
func (c *Config) Settle() time.Duration {
	if c.SettleSeconds == nil {
		return 10 * time.Second
	}
	return time.Duration(*c.SettleSeconds) * time.Second
}

// lineError is a config error at a line of the file.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func lineErrorf(line int, format string, args ...any) error {
	return &lineError{line: line, msg: fmt.Sprintf(format, args...)}
}
