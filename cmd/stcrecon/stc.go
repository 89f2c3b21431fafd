package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"stcrecon/configs"
	"stcrecon/pipeline/audit"
)

func runSTC(ctx context.Context, e *env, args []string) int {
	fs, sf := newFlags("stc", e)
	postcode := fs.String("postcode", "", "installation postcode (required)")
	kw := fs.String("kw", "", "rated output in kW, at most 3 decimals (required)")
	installed := fs.String("installed", "", "installation date, YYYY-MM-DD or DD/MM/YYYY (required)")
	years := fs.Int("years", 0, "deeming period in years (default: the maximum allowed)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	day, err := parseDay(*installed)
	if *postcode == "" || *kw == "" || err != nil || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "usage: stcrecon stc --postcode P --kw K --installed DATE [--years N]")
		if err != nil && *installed != "" {
			fmt.Fprintf(e.stderr, "stcrecon stc: --installed: %v\n", err)
		}
		return exitUsage
	}
	cfg, err := configs.Load(sf.config)
	if err != nil {
		return fail(e, err)
	}
	c, err := audit.ComputeSTC(ctx, cfg, *postcode, *kw, day, *years)
	if err != nil {
		return fail(e, err)
	}
	printSTC(e, c)
	return exitOK
}

func parseDay(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD or DD/MM/YYYY)", s)
}

func printSTC(e *env, c *audit.STCCalc) {
	w := e.stdout
	if c.Zone == 0 {
		fmt.Fprintf(w, "postcode %s is in no zone range: no STCs can be computed\n", c.Postcode)
		return
	}
	fmt.Fprintf(w, "1. postcode %s is in zone %d: %s MWh per kW per year\n", c.Postcode, c.Zone, c.Rating)
	years := make([]string, len(c.AllowedYears))
	for i, y := range c.AllowedYears {
		years[i] = fmt.Sprint(y)
	}
	fmt.Fprintf(w, "2. installed in %d: the longest deeming period is %d years; allowed: %s\n",
		c.InstallYear, c.MaxYears, strings.Join(years, ", "))
	switch {
	case c.RequestedYears == 0:
		fmt.Fprintf(w, "3. deeming period: %d years (the maximum)\n", c.YearsUsed)
	case c.YearsAllowed:
		fmt.Fprintf(w, "3. deeming period: %d years, as asked\n", c.YearsUsed)
	default:
		fmt.Fprintf(w, "3. deeming period: %d years is not allowed; the maximum, %d years, is used\n", c.RequestedYears, c.YearsUsed)
	}
	fmt.Fprintf(w, "4. %s kW × %s × %d years = %s MWh\n", c.KW, c.Rating, c.YearsUsed, c.MWh)
	fmt.Fprintf(w, "5. STCs = floor(%s) = %d\n", c.MWh, c.STCs)
}
