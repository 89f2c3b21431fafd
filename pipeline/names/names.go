// Package names makes the keys by which names are compared (data contract §3,
// Matching names): the name key of any name, the brand key of a licensee,
// brand, manufacturer or supplier, and the model key of a model number. It is
// the one implementation: ingest, the audit and the generator's truth all call
// it, so a claim, a ledger, a CEC list and the supplier list agree on what
// "the same name" means.
package names

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

var folder = cases.Fold()

// Key is the name key: NFKC, case-folded, every run of characters other than
// letters and digits one space, trimmed. `Pty. Ltd.` and `PTY LTD` have one
// key, and so do `JKM440N-54HL4R-V` and `jkm440n 54hl4r v`.
func Key(s string) string {
	s = norm.NFKC.String(folder.String(norm.NFKC.String(s)))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// companyForms are the words a brand key drops from the end of a name, as
// often as they occur (`Jinko Solar Co Ltd` is `jinko solar`). `& co` is `co`
// once the name key has turned `&` into a space.
var companyForms = map[string]bool{
	"pty": true, "ltd": true, "limited": true, "co": true, "company": true, "corp": true,
	"corporation": true, "inc": true, "gmbh": true, "ag": true, "kg": true, "llc": true,
	"plc": true, "sa": true, "bv": true, "srl": true, "spa": true,
}

// Base is a name's key with its trailing company forms dropped; a name is
// never dropped to nothing (`AG` stays `ag`).
func Base(s string) string {
	k := Key(s)
	for {
		i := strings.LastIndexByte(k, ' ')
		if i < 0 || !companyForms[k[i+1:]] {
			return k
		}
		k = k[:i]
	}
}

// Brand is one entry of the configuration's `brands:`: a canonical brand and
// the names it also goes by. Line is where it is written, for errors.
type Brand struct {
	Name    string
	Aliases []string
	Line    int
}

// Keyer makes brand and model keys under one configuration's brand aliases and
// model suffixes. A nil *Keyer has neither.
type Keyer struct {
	alias    map[string]string // base of an alias -> base of its canonical brand
	suffixes map[string]bool   // name keys of the certification designations
}

// New checks the aliases and suffixes and returns their Keyer. An alias that
// two brands claim, or a brand that is another brand's alias, is an error.
func New(brands []Brand, suffixes []string) (*Keyer, error) {
	k := &Keyer{alias: map[string]string{}, suffixes: map[string]bool{}}
	owner := map[string]Brand{} // base -> the brand entry that claims it
	claim := func(b Brand, name string) error {
		base := Base(name)
		if base == "" {
			return fmt.Errorf("line %d: brands: %q: a name needs a letter or digit", b.Line, name)
		}
		if o, ok := owner[base]; ok && Base(o.Name) != Base(b.Name) {
			return fmt.Errorf("line %d: brands: %q is claimed by %s (line %d) and by %s (line %d)",
				b.Line, name, o.Name, o.Line, b.Name, b.Line)
		}
		owner[base] = b
		return nil
	}
	for _, b := range brands {
		if err := claim(b, b.Name); err != nil {
			return nil, err
		}
	}
	for _, b := range brands {
		for _, a := range b.Aliases {
			if err := claim(b, a); err != nil {
				return nil, err
			}
			if base := Base(a); base != Base(b.Name) {
				k.alias[base] = Base(b.Name)
			}
		}
	}
	for _, s := range suffixes {
		key := Key(s)
		if key == "" {
			return nil, fmt.Errorf("model_suffixes: %q: a designation needs a letter or digit", s)
		}
		k.suffixes[key] = true
	}
	return k, nil
}

// Brand returns the brand key of a licensee, brand, manufacturer or supplier
// name: its Base, then the configured alias; alias says whether one applied.
func (k *Keyer) Brand(s string) (key string, alias bool) {
	base := Base(s)
	if k == nil {
		return base, false
	}
	if c, ok := k.alias[base]; ok {
		return c, true
	}
	return base, false
}

// Model returns the model key of a model number: its name key once trailing
// parenthesised certification designations of the configuration are dropped
// (`Primo 5.0-1 (AS4777-2 2020)` is `primo 5 0 1`); suffix is what was dropped,
// as written. Other parenthesised parts (`(II)`, `(60 Cell)`) stay.
func (k *Keyer) Model(s string) (key, suffix string) {
	rest := strings.TrimRightFunc(s, unicode.IsSpace)
	for k != nil && strings.HasSuffix(rest, ")") {
		open := strings.LastIndexByte(rest, '(')
		if open < 0 || !k.suffixes[Key(rest[open+1:len(rest)-1])] {
			break
		}
		rest = strings.TrimRightFunc(rest[:open], unicode.IsSpace)
	}
	if rest == "" { // a model that is nothing but a designation keeps it
		return Key(s), ""
	}
	return Key(rest), strings.TrimSpace(s[len(rest):])
}

// Aliases lists the configured alias bases and their brand keys, sorted, for
// tests and documentation.
func (k *Keyer) Aliases() [][2]string {
	var out [][2]string
	for a, c := range k.alias {
		out = append(out, [2]string{a, c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
