package configs

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"stcrecon/pipeline/names"
)

//go:embed stcrecon.yaml postcode_zones.csv notice.html.tmpl
var defaults embed.FS

// DefaultPath is where the command line looks for a config file when --config
// is not given. When that file does not exist the embedded default is used.
const DefaultPath = "configs/stcrecon.yaml"

// Config is the whole of stcrecon's configuration.
type Config struct {
	DB            string `yaml:"db"`
	DuckDB        DuckDB `yaml:"duckdb"`
	MemoryLimit   string `yaml:"memory_limit"` // older spelling of duckdb.memory_limit
	PostcodeZones string `yaml:"postcode_zones"`
	Ingest        Ingest `yaml:"ingest"`
	STC           STC    `yaml:"stc"`
	// Brands are the brand aliases of data contract §3: a canonical brand and
	// the names it also goes by.
	Brands Brands `yaml:"brands"`
	// ModelSuffixes are the certification designations a model key drops
	// when they end a model number in parentheses.
	ModelSuffixes []string `yaml:"model_suffixes"`
	// Notices shape the suppliers' non-compliance notices (data contract §6).
	Notices Notices `yaml:"notices"`

	// Names makes the brand and model keys under Brands and ModelSuffixes.
	Names *names.Keyer `yaml:"-"`

	// The jobs (data contract §7): folders, time zone, schedules, daemon.
	Folders       Folders `yaml:"folders"`
	Timezone      Zone    `yaml:"timezone"`
	SettleSeconds *int    `yaml:"settle_seconds"`
	Jobs          Jobs    `yaml:"jobs"`
	Serve         Serve   `yaml:"serve"`

	// Zones is the postcode -> zone table, loaded from PostcodeZones (or the
	// embedded default) and sorted by From.
	Zones []PostcodeRange `yaml:"-"`
}

// Notices shape the suppliers' non-compliance notices.
type Notices struct {
	// Template is an html/template file for the letter; "" is the built-in
	// notice.html.tmpl. A relative path is taken from the config file's folder.
	Template string `yaml:"template"`
	// ResponseDays is how many days after the notice a supplier has to answer.
	ResponseDays int `yaml:"response_days"`
	// Sender names who the letter is from.
	Sender string `yaml:"sender"`

	// TemplateText is the letter's template, read from Template or built in.
	TemplateText string `yaml:"-"`
	// TemplateName is where TemplateText came from, for messages.
	TemplateName string `yaml:"-"`
}

// DuckDB is how much of the machine the store may use.
type DuckDB struct {
	MemoryLimit   string `yaml:"memory_limit"`   // e.g. 4GB; "": DuckDB's default, 80 % of RAM
	Threads       int    `yaml:"threads"`        // 0: one per core
	TempDirectory string `yaml:"temp_directory"` // where joins and sorts spill; "": <db>.tmp
}

var memoryLimitRE = regexp.MustCompile(`^(?i)([0-9]+(?:\.[0-9]+)?) ?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// sizeBytes is the bytes of a size memoryLimitRE matches, as DuckDB reads
// it (KB = 1000 bytes, KiB = 1024).
func sizeBytes(size string) float64 {
	m := memoryLimitRE.FindStringSubmatch(size)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseFloat(m[1], 64)
	unit := strings.ToUpper(m[2])
	pow := float64(1000)
	if strings.HasSuffix(unit, "IB") {
		pow = 1024
	}
	switch unit[0] {
	case 'K':
		n *= pow
	case 'M':
		n *= pow * pow
	case 'G':
		n *= pow * pow * pow
	case 'T':
		n *= pow * pow * pow * pow
	}
	return n
}

// Ingest tunes loading.
type Ingest struct {
	ProgressEveryRows int `yaml:"progress_every_rows"`
	// DuckDBThreads is DuckDB's thread count while ingest's two lanes load;
	// 0 means 1 (pipeline/store WithThreads says why). A lane left loading
	// alone gets DuckDB.Threads.
	DuckDBThreads int `yaml:"duckdb_threads"`
	// MemoryLimit is DuckDB's memory_limit while ingest loads ("": 1GB; never
	// more than DuckDB.MemoryLimit). Data contract §1: no input file may drive
	// ingest past 1.5 GB peak RSS. Beyond it, the staged copy of a file spills
	// to DuckDB's temp directory.
	MemoryLimit string `yaml:"memory_limit"`
}

// defaultIngestMemory is ingest.memory_limit when none is given.
const defaultIngestMemory = "1GB"

// STC holds the figures of the STC arithmetic (data contract section 2).
// Decimal figures are kept as text so they reach DuckDB's DECIMAL exactly.
type STC struct {
	ZoneRatings       map[int]string `yaml:"zone_ratings"`
	SmallScaleLimitKW string         `yaml:"small_scale_limit_kw"`
	ClaimWindowMonths int            `yaml:"claim_window_months"`
	Deeming           Deeming        `yaml:"deeming"`
}

// Deeming is the rule for deeming periods.
type Deeming struct {
	Choices []int           `yaml:"choices"`
	Periods []DeemingPeriod `yaml:"periods"`
}

// DeemingPeriod gives the longest deeming period for installations in
// [FromYear, ToYear]: MaxYears, or LastYear+1-year when LastYear is set.
type DeemingPeriod struct {
	FromYear int `yaml:"from_year"`
	ToYear   int `yaml:"to_year"`
	MaxYears int `yaml:"max_years"`
	LastYear int `yaml:"last_year"`
}

// PostcodeRange maps postcodes From..To (inclusive, four-digit text) to a zone.
type PostcodeRange struct {
	From, To string
	Zone     int
}

// Brands is the `brands:` mapping, in file order, each with its line.
type Brands []names.Brand

// UnmarshalYAML reads `Canonical: [alias, ...]` pairs, keeping line numbers.
func (b *Brands) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: brands: want a mapping of brand: [names it also goes by]", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var aliases []string
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			aliases = nil
		} else if err := v.Decode(&aliases); err != nil || v.Kind != yaml.SequenceNode {
			return fmt.Errorf("line %d: brands: %s: want a list of the names it also goes by", v.Line, k.Value)
		}
		*b = append(*b, names.Brand{Name: k.Value, Aliases: aliases, Line: k.Line})
	}
	return nil
}

var decimalRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// Default returns the shipped configuration.
func Default() (*Config, error) {
	b, err := defaults.ReadFile("stcrecon.yaml")
	if err != nil {
		return nil, err
	}
	return parse(b, "stcrecon.yaml (built in)", "")
}

// Load reads the config file at path. If path is DefaultPath and no such file
// exists, the embedded default is returned, so the binary works from any folder.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && path == DefaultPath {
		return Default()
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return parse(b, path, filepath.Dir(path))
}

func parse(b []byte, name, dir string) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		var le *lineError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("config %s:%d: %s", name, le.line, le.msg)
		}
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	keyer, err := names.New(c.Brands, c.ModelSuffixes)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	c.Names = keyer
	if err := c.validateJobs(); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	var zones io.Reader
	zonesName := "postcode_zones.csv (built in)"
	if c.PostcodeZones == "" {
		zb, err := defaults.ReadFile("postcode_zones.csv")
		if err != nil {
			return nil, err
		}
		zones = bytes.NewReader(zb)
	} else {
		p := c.PostcodeZones
		if !filepath.IsAbs(p) && dir != "" {
			p = filepath.Join(dir, p)
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("config %s: postcode_zones: %w", name, err)
		}
		defer f.Close()
		zones, zonesName = f, p
	}
	z, err := ReadPostcodeZones(zones, zonesName)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	c.Zones = z
	if err := c.Notices.load(dir); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	return &c, nil
}

// load reads the notice template, built in or from its file.
func (n *Notices) load(dir string) error {
	if n.ResponseDays == 0 {
		n.ResponseDays = 28
	}
	if n.ResponseDays < 0 {
		return fmt.Errorf("notices.response_days: %d must be positive", n.ResponseDays)
	}
	if n.Sender == "" {
		n.Sender = "Compliance team"
	}
	if n.Template == "" {
		b, err := defaults.ReadFile("notice.html.tmpl")
		if err != nil {
			return err
		}
		n.TemplateText, n.TemplateName = string(b), "notice.html.tmpl (built in)"
		return nil
	}
	p := n.Template
	if !filepath.IsAbs(p) && dir != "" {
		p = filepath.Join(dir, p)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("notices.template: %w", err)
	}
	n.TemplateText, n.TemplateName = string(b), p
	return nil
}

// validateResources checks the DuckDB settings and works out ingest's
// memory limit: ingest.memory_limit (1GB if not given), but never more than
// duckdb.memory_limit.
func (c *Config) validateResources() error {
	if c.MemoryLimit != "" {
		if c.DuckDB.MemoryLimit != "" {
			return errors.New("memory_limit: give it once, as duckdb.memory_limit")
		}
		c.DuckDB.MemoryLimit, c.MemoryLimit = c.MemoryLimit, ""
	}
	if m := c.DuckDB.MemoryLimit; m != "" && !memoryLimitRE.MatchString(m) {
		return fmt.Errorf("duckdb.memory_limit: %q is not a size such as 4GB or 512MB", m)
	}
	if c.DuckDB.Threads < 0 {
		return fmt.Errorf("duckdb.threads: %d must be 0 (one per core) or more", c.DuckDB.Threads)
	}
	if c.Ingest.DuckDBThreads < 0 {
		return fmt.Errorf("ingest.duckdb_threads: %d must be 0 (one) or more", c.Ingest.DuckDBThreads)
	}
	if c.Ingest.MemoryLimit == "" {
		c.Ingest.MemoryLimit = defaultIngestMemory
	}
	if m := c.Ingest.MemoryLimit; !memoryLimitRE.MatchString(m) {
		return fmt.Errorf("ingest.memory_limit: %q is not a size such as 1GB or 512MB", m)
	}
	if d := c.DuckDB.MemoryLimit; d != "" && sizeBytes(d) < sizeBytes(c.Ingest.MemoryLimit) {
		c.Ingest.MemoryLimit = d
	}
	return nil
}

func (c *Config) validate() error {
	if c.DB == "" {
		c.DB = "var/stcrecon.duckdb"
	}
	if err := c.validateResources(); err != nil {
		return err
	}
	if c.Ingest.ProgressEveryRows <= 0 {
		c.Ingest.ProgressEveryRows = 250000
	}
	s := &c.STC
	if len(s.ZoneRatings) == 0 {
		return errors.New("stc.zone_ratings: none given")
	}
	for z, r := range s.ZoneRatings {
		if !decimalRE.MatchString(r) {
			return fmt.Errorf("stc.zone_ratings.%d: %q is not a decimal number", z, r)
		}
	}
	if !decimalRE.MatchString(s.SmallScaleLimitKW) {
		return fmt.Errorf("stc.small_scale_limit_kw: %q is not a decimal number", s.SmallScaleLimitKW)
	}
	if s.ClaimWindowMonths <= 0 {
		return fmt.Errorf("stc.claim_window_months: %d must be positive", s.ClaimWindowMonths)
	}
	if len(s.Deeming.Periods) == 0 {
		return errors.New("stc.deeming.periods: none given")
	}
	for i, p := range s.Deeming.Periods {
		if p.FromYear > p.ToYear {
			return fmt.Errorf("stc.deeming.periods[%d]: from_year %d after to_year %d", i, p.FromYear, p.ToYear)
		}
		if (p.MaxYears > 0) == (p.LastYear > 0) {
			return fmt.Errorf("stc.deeming.periods[%d]: give exactly one of max_years and last_year", i)
		}
	}
	return nil
}

// ReadPostcodeZones reads a postcode_from,postcode_to,zone table. Ranges may
// leave gaps (claim.unknown_postcode fires there) but must not overlap.
func ReadPostcodeZones(r io.Reader, name string) ([]PostcodeRange, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 3
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if strings.Join(head, ",") != "postcode_from,postcode_to,zone" {
		return nil, fmt.Errorf("%s:1: header must be postcode_from,postcode_to,zone", name)
	}
	pc := regexp.MustCompile(`^[0-9]{4}$`)
	var out []PostcodeRange
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		zone, zerr := strconv.Atoi(rec[2])
		switch {
		case !pc.MatchString(rec[0]) || !pc.MatchString(rec[1]):
			return nil, fmt.Errorf("%s:%d: postcodes must be four digits", name, line)
		case rec[0] > rec[1]:
			return nil, fmt.Errorf("%s:%d: postcode_from after postcode_to", name, line)
		case zerr != nil || zone < 1:
			return nil, fmt.Errorf("%s:%d:3: bad zone %q", name, line, rec[2])
		}
		out = append(out, PostcodeRange{From: rec[0], To: rec[1], Zone: zone})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].From < out[j].From })
	for i := 1; i < len(out); i++ {
		if out[i].From <= out[i-1].To {
			return nil, fmt.Errorf("%s: ranges %s-%s and %s-%s overlap", name, out[i-1].From, out[i-1].To, out[i].From, out[i].To)
		}
	}
	return out, nil
}

// ZoneOf returns the zone of a four-digit postcode, and false when no range holds it.
func (c *Config) ZoneOf(postcode string) (int, bool) {
	i := sort.Search(len(c.Zones), func(i int) bool { return c.Zones[i].To >= postcode })
	if i < len(c.Zones) && c.Zones[i].From <= postcode {
		return c.Zones[i].Zone, true
	}
	return 0, false
}

// MaxDeemingYears is the longest deeming period for a system installed in year;
// 0 when no period covers the year.
func (s STC) MaxDeemingYears(year int) int {
	for _, p := range s.Deeming.Periods {
		if year >= p.FromYear && year <= p.ToYear {
			if p.LastYear > 0 {
				return p.LastYear + 1 - year
			}
			return p.MaxYears
		}
	}
	return 0
}

// AllowedDeemingYears lists the deeming periods a claim installed in year may
// choose: the configured choices and the maximum, never above the maximum.
func (s STC) AllowedDeemingYears(year int) []int {
	max := s.MaxDeemingYears(year)
	var out []int
	for _, c := range s.Deeming.Choices {
		if c > 0 && c < max {
			out = append(out, c)
		}
	}
	if max > 0 {
		out = append(out, max)
	}
	return out
}
