package main

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"stcrecon/configs"
	"stcrecon/pipeline/audit"
)

func newSTCCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stc --postcode P --kw K --installed DATE [--years N]",
		Short: "Work out the STCs of one system, step by step",
		Long: `Work out the STCs (small-scale technology certificates) a system earns, with
the same arithmetic the audit uses: the zone of the postcode, the longest deeming
period for the installation year, the period used, the MWh and the STCs.

The deeming periods end with the scheme (2030 in the shipped config): a system
installed after the last deeming year earns nothing, and the command fails.
Above the small-scale limit (100 kW) a system is not a small-scale system: the
arithmetic is shown, with a note that a claim for it fails.`,
		Example: `  stcrecon stc --postcode 2000 --kw 6.6 --installed 2025-03-01
  stcrecon stc --postcode 0870 --kw 10 --installed 01/03/2025 --years 5`,
		Args: noArgs,
	}
	cf := addConfigFlag(cmd)
	postcode := cmd.Flags().String("postcode", "", "the installation's postcode `P`, 4 digits (required)")
	kw := cmd.Flags().String("kw", "", "the rated output `K` in kW: more than 0, at most 3 decimals (required)")
	installed := cmd.Flags().String("installed", "", "the installation `DATE`: YYYY-MM-DD or DD/MM/YYYY (required)")
	years := cmd.Flags().Int("years", 0, "a deeming period of `N` years (default: the longest allowed)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		switch {
		case *postcode == "":
			return usagef("--postcode P is required: the installation's postcode, for example --postcode 2000")
		case *kw == "":
			return usagef("--kw K is required: the rated output in kW, for example --kw 6.6")
		case *installed == "":
			return usagef("--installed DATE is required: the installation date, for example --installed 2025-03-01")
		}
		if !regexp.MustCompile(`^[0-9]{3,4}$`).MatchString(*postcode) {
			return usagef("--postcode %q: a postcode is 4 digits, for example 2000 or 0870", *postcode)
		}
		if err := checkKW(*kw); err != nil {
			return err
		}
		day, err := parseDay(*installed)
		if err != nil {
			return usagef("--installed %q: not a date: use YYYY-MM-DD or DD/MM/YYYY, for example 2025-03-01", *installed)
		}
		if cmd.Flags().Changed("years") && *years <= 0 {
			return usagef("--years %d: a deeming period is at least 1 year (leave --years out for the longest allowed)", *years)
		}
		cfg, err := cf.load()
		if err != nil {
			return err
		}
		if last := lastDeemingYear(cfg); last > 0 && day.Year() > last {
			return fmt.Errorf("installed in %d: the scheme ends in %d (the last deeming year): a system installed after it earns no STCs",
				day.Year(), last)
		}
		c, err := audit.ComputeSTC(cmd.Context(), cfg, *postcode, *kw, day, *years)
		if err != nil {
			return err
		}
		if c.MaxYears == 0 {
			return fmt.Errorf("installed in %d: no deeming period of the config covers that year: no STCs", day.Year())
		}
		a.printSTC(c, cfg)
		return nil
	}
	return cmd
}

var kwRE = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,3})?$`)

func checkKW(kw string) error {
	if !kwRE.MatchString(kw) {
		return usagef("--kw %q: not a rated output in kW: use a number with at most 3 decimals, for example 6.6", kw)
	}
	if r, _ := new(big.Rat).SetString(kw); r.Sign() <= 0 {
		return usagef("--kw %s: the rated output must be more than 0 kW", kw)
	}
	return nil
}

// lastDeemingYear is the last installation year any deeming period covers.
func lastDeemingYear(cfg *configs.Config) int {
	last := 0
	for _, p := range cfg.STC.Deeming.Periods {
		last = max(last, p.ToYear)
	}
	return last
}

func parseDay(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD or DD/MM/YYYY)", s)
}

func years(n int) string { return plural(int64(n), "year", "years") }

func (a *app) printSTC(c *audit.STCCalc, cfg *configs.Config) {
	w := a.stdout
	if c.Zone == 0 {
		fmt.Fprintf(w, "postcode %s is in no zone range: no STCs can be computed\n", c.Postcode)
		return
	}
	fmt.Fprintf(w, "1. postcode %s is in zone %d: %s MWh per kW per year\n", c.Postcode, c.Zone, c.Rating)
	allowed := make([]string, len(c.AllowedYears))
	for i, y := range c.AllowedYears {
		allowed[i] = fmt.Sprint(y)
	}
	fmt.Fprintf(w, "2. installed in %d: the longest deeming period is %s; allowed: %s\n",
		c.InstallYear, years(c.MaxYears), strings.Join(allowed, ", "))
	switch {
	case c.RequestedYears == 0:
		fmt.Fprintf(w, "3. deeming period: %s (the maximum)\n", years(c.YearsUsed))
	case c.YearsAllowed:
		fmt.Fprintf(w, "3. deeming period: %s, as asked\n", years(c.YearsUsed))
	default:
		fmt.Fprintf(w, "3. deeming period: %s is not allowed; the maximum, %s, is used\n", years(c.RequestedYears), years(c.YearsUsed))
	}
	fmt.Fprintf(w, "4. %s kW × %s × %s = %s MWh\n", c.KW, c.Rating, years(c.YearsUsed), c.MWh)
	fmt.Fprintf(w, "5. STCs = floor(%s) = %d\n", c.MWh, c.STCs)
	limit, ok1 := new(big.Rat).SetString(cfg.STC.SmallScaleLimitKW)
	kw, ok2 := new(big.Rat).SetString(c.KW)
	if ok1 && ok2 && kw.Cmp(limit) > 0 {
		fmt.Fprintf(w, "note: %s kW is above the small-scale limit of %s kW: this is not a small-scale system, and a claim for it fails (claim.too_large)\n",
			c.KW, cfg.STC.SmallScaleLimitKW)
	}
}
