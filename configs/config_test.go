package configs

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestShippedConfig(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "var/stcrecon.duckdb" || c.STC.SmallScaleLimitKW != "100" || c.STC.ClaimWindowMonths != 12 {
		t.Fatalf("%+v", c)
	}
	if c.DuckDB != (DuckDB{MemoryLimit: "4GB"}) {
		t.Fatalf("duckdb settings %+v", c.DuckDB)
	}
	if c.Ingest.MemoryLimit != "1GB" {
		t.Fatalf("ingest memory limit %q", c.Ingest.MemoryLimit)
	}
	want := map[int]string{1: "1.622", 2: "1.536", 3: "1.382", 4: "1.185"}
	if !reflect.DeepEqual(c.STC.ZoneRatings, want) {
		t.Fatalf("ratings %v", c.STC.ZoneRatings)
	}
	// The shipped file on disk is the embedded one.
	disk, err := Load(filepath.Join("stcrecon.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(disk.STC, c.STC) || !reflect.DeepEqual(disk.Brands, c.Brands) || !reflect.DeepEqual(disk.ModelSuffixes, c.ModelSuffixes) {
		t.Fatal("configs/stcrecon.yaml and the embedded default differ")
	}
}

// The shipped table covers every postcode 0000-9999 exactly once.
func TestShippedPostcodeTableCoversEveryPostcode(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Zones) != 137 {
		t.Fatalf("%d ranges, want 137", len(c.Zones))
	}
	for n := 0; n <= 9999; n++ {
		if _, ok := c.ZoneOf(fmt.Sprintf("%04d", n)); !ok {
			t.Fatalf("postcode %04d has no zone", n)
		}
	}
	for pc, zone := range map[string]int{"0870": 1, "0800": 2, "2000": 3, "0000": 3} {
		if z, _ := c.ZoneOf(pc); z != zone {
			t.Errorf("zone of %s = %d, want %d", pc, z, zone)
		}
	}
}

func TestDeemingPeriods(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for year, max := range map[int]int{2010: 15, 2016: 15, 2017: 14, 2025: 6, 2030: 1, 2031: 0} {
		if got := c.STC.MaxDeemingYears(year); got != max {
			t.Errorf("max deeming %d = %d, want %d", year, got, max)
		}
	}
	for year, allowed := range map[int][]int{2025: {1, 5, 6}, 2026: {1, 5}, 2028: {1, 3}, 2030: {1}, 2031: nil} {
		if got := c.STC.AllowedDeemingYears(year); !reflect.DeepEqual(got, allowed) {
			t.Errorf("allowed %d = %v, want %v", year, got, allowed)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	base, _ := os.ReadFile("stcrecon.yaml")
	cases := map[string]struct{ from, to, err string }{
		"unknown key":        {"db: var/stcrecon.duckdb", "db: var/stcrecon.duckdb\nmemroy: 1", "field memroy not found"},
		"unknown duckdb key": {"threads: 0", "threads: 0\n  thread: 2", "field thread not found"},
		"bad memory":         {"memory_limit: 4GB", "memory_limit: 4 gigs", `duckdb.memory_limit: "4 gigs" is not a size`},
		"bad threads":        {"threads: 0", "threads: -1", "duckdb.threads: -1"},
		"bad ingest memory":  {"memory_limit: 1GB", "memory_limit: 1 gig", `ingest.memory_limit: "1 gig" is not a size`},
		"both limits":        {"db: var/stcrecon.duckdb", "db: var/stcrecon.duckdb\nmemory_limit: 2GB", "give it once"},
		"bad rating":         {`1: "1.622"`, `1: "1.6x"`, `stc.zone_ratings.1: "1.6x" is not a decimal number`},
		"bad period":         {"{from_year: 2017, to_year: 2030, last_year: 2030}", "{from_year: 2017, to_year: 2030}", "give exactly one of max_years and last_year"},
		"zones file":         {`postcode_zones: ""`, `postcode_zones: "zones.csv"`, "overlap"},
	}
	os.WriteFile(filepath.Join(dir, "zones.csv"), []byte("postcode_from,postcode_to,zone\n0000,0500,1\n0400,0900,2\n"), 0o644)
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			text := strings.Replace(string(base), c.from, c.to, 1)
			if text == string(base) {
				t.Fatalf("%q not in the shipped config", c.from)
			}
			p := filepath.Join(dir, "c.yaml")
			os.WriteFile(p, []byte(text), 0o644)
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("error %v, want it to say %q", err, c.err)
			}
		})
	}
}

// The older top-level memory_limit still works, as duckdb.memory_limit.
func TestOlderMemoryLimitKey(t *testing.T) {
	base, _ := os.ReadFile("stcrecon.yaml")
	text := strings.Replace(string(base), "  memory_limit: 4GB\n", "", 1) + "memory_limit: 512MB\n"
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte(text), 0o644)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.DuckDB.MemoryLimit != "512MB" || c.Ingest.MemoryLimit != "512MB" {
		t.Fatalf("memory limits %q, ingest %q", c.DuckDB.MemoryLimit, c.Ingest.MemoryLimit)
	}
}

// Ingest's memory limit is its own, 1GB unless given, but never more than
// the store's.
func TestIngestMemoryLimit(t *testing.T) {
	for _, c := range []struct{ duckdb, ingest, want string }{
		{"4GB", "", "1GB"},
		{"", "", "1GB"},
		{"", "6GB", "6GB"},
		{"900MB", "", "900MB"},
		{"1GiB", "1GB", "1GB"}, // 1,073,741,824 bytes against 1,000,000,000
		{"1GB", "1GiB", "1GB"},
		{"2GB", "3GB", "2GB"},
		{"4GB", "512mib", "512mib"},
		{"0.5GB", "600MB", "0.5GB"},
	} {
		cfg := Config{DuckDB: DuckDB{MemoryLimit: c.duckdb}, Ingest: Ingest{MemoryLimit: c.ingest}}
		if err := cfg.validateResources(); err != nil {
			t.Fatal(err)
		}
		if cfg.Ingest.MemoryLimit != c.want {
			t.Errorf("duckdb %q, ingest %q: ingest gets %q, want %q", c.duckdb, c.ingest, cfg.Ingest.MemoryLimit, c.want)
		}
	}
}

// A user's own zone table may have gaps: those postcodes have no zone.
func TestPostcodeTableWithGaps(t *testing.T) {
	z, err := ReadPostcodeZones(strings.NewReader("postcode_from,postcode_to,zone\n2000,2999,3\n0800,0899,1\n"), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	c := &Config{Zones: z}
	if zone, ok := c.ZoneOf("0850"); !ok || zone != 1 {
		t.Fatalf("0850: %d %v", zone, ok)
	}
	for _, pc := range []string{"0799", "0900", "1999", "3000"} {
		if _, ok := c.ZoneOf(pc); ok {
			t.Errorf("%s has a zone", pc)
		}
	}
}

// cecDir finds the current CEC lists, ../shared/data/cec beside the repository
// (CI clones the repository with shared/ beside it).
func cecDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "data", "cec")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no shared/data/cec in any folder above %s", dir)
		}
	}
}

// The shipped aliases cover the 20 largest licensees of the current CEC module
// list and the 20 largest manufacturers of the inverter list: each one's brand
// key is the key of a configured brand.
func TestShippedBrandsCoverTheCECLists(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	canonical := map[string]bool{}
	for _, b := range c.Brands {
		key, _ := c.Names.Brand(b.Name)
		canonical[key] = true
	}
	for file, col := range map[string]int{"cec_modules_20260423.csv": 0, "cec_inverters_20260423.csv": 0} {
		f, err := os.Open(filepath.Join(cecDir(t), file))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, r := range recs[1:] {
			count[r[col]]++
		}
		var byRows []string
		for n := range count {
			byRows = append(byRows, n)
		}
		sort.Slice(byRows, func(i, j int) bool { return count[byRows[i]] > count[byRows[j]] })
		for _, n := range byRows[:20] {
			if key, _ := c.Names.Brand(n); !canonical[key] {
				t.Errorf("%s: %q (%d rows) is no configured brand (key %q)", file, n, count[n], key)
			}
		}
	}
	// The trading brands a claim writes and the legal entities the lists write.
	for trading, legal := range map[string]string{
		"Fronius": "Fronius Australia Pty Ltd", "Solis": "Ginlong Technologies Co Ltd",
		"Canadian Solar": "CSI Solar Co Ltd", "Jinko": "Jinko Solar Co Ltd", "JINKO SOLAR": "Jinko Solar Co Ltd",
		"Sungrow": "Sungrow Power Supply Co Ltd", "GoodWe": "GoodWe Technologies Co Ltd",
		"Growatt": "Shenzhen Growatt New Energy Co Ltd", "SMA": "SMA Australia Pty Ltd",
		"Enphase": "ENPHASE ENERGY AUSTRALIA PTY. LTD.", "Huawei": "Huawei Technologies Co Ltd",
		"Trina": "Trina Solar Co Ltd", "LONGi": "LONGi Green Energy Technology Co Ltd",
		"JA Solar": "Shanghai JA Solar Technology Co Ltd", "REC": "REC Solar Pte Ltd",
		"Q CELLS": "Hanwha Q CELLS Australia pty ltd", "Tesla": "Tesla Inc",
		"Sigenergy": "Shanghai SIGEN New Energy Technology Co Ltd", "SolarEdge": "SolarEdge Technologies Ltd",
		"Deye": "NingBo Deye Inverter Technology Co Ltd", "Sofar": "Shenzhen SOFARSOLAR Co Ltd",
	} {
		a, _ := c.Names.Brand(trading)
		b, _ := c.Names.Brand(legal)
		if a != b {
			t.Errorf("%q has key %q, %q has %q", trading, a, legal, b)
		}
	}
	if len(c.ModelSuffixes) != 5 {
		t.Errorf("model_suffixes %v", c.ModelSuffixes)
	}
	if k, s := c.Names.Model("CS6.1-54TB-430 (IEC1500V) (IEC 61215-2021)"); k != "cs6 1 54tb 430" || s != "(IEC1500V) (IEC 61215-2021)" {
		t.Errorf("model key %q, suffix %q", k, s)
	}
}

// Brand aliases are validated with the line they are on.
func TestBrandAliasErrors(t *testing.T) {
	dir := t.TempDir()
	base, _ := os.ReadFile("stcrecon.yaml")
	for name, c := range map[string]struct{ add, err string }{
		"alias of two brands": {"\n  Ginlong Solis: [Ginlong Co Ltd]\n", "brands: \"Ginlong\" is claimed by Ginlong Solis (line "},
		"not a list":          {"\n  Acme: Acme Pty Ltd\n", "brands: Acme: want a list"},
		"unknown key inside":  {"\n  Acme: {aliases: [x]}\n", "brands: Acme: want a list"},
	} {
		t.Run(name, func(t *testing.T) {
			text := strings.Replace(string(base), "\nbrands:\n", "\nbrands:"+c.add, 1)
			p := filepath.Join(dir, "c.yaml")
			os.WriteFile(p, []byte(text), 0o644)
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("error %v, want it to say %q", err, c.err)
			}
			if !strings.Contains(err.Error(), "line ") {
				t.Fatalf("error %v names no line", err)
			}
		})
	}
}
