package names

import (
	"strings"
	"testing"
)

func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"Pty. Ltd.":                 "pty ltd",
		"PTY LTD":                   "pty ltd",
		"JKM440N-54HL4R-V":          "jkm440n 54hl4r v",
		"jkm440n 54hl4r v":          "jkm440n 54hl4r v",
		"  Jinko\u00a0Solar\u3000 ": "jinko solar",
		"ＪＫＭ４４０Ｎ":                   "jkm440n", // full-width
		"1KOMMA5° Technology GmbH":  "1komma5 technology gmbh",
		"Straße":                    "strasse", // case folding, not just lower-casing
		"TSM-480DE18M(II)":          "tsm 480de18m ii",
		"Q.TRON BLK M-G2+ 435":      "q tron blk m g2 435",
		"Zero\u200bWidth":           "zero width",
		"":                          "",
		"---":                       "",
		"Suzhou Akcome Optronics Science & Technology Co Ltd": "suzhou akcome optronics science technology co ltd",
	} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBase(t *testing.T) {
	for in, want := range map[string]string{
		"Jinko Solar Co Ltd":                 "jinko solar",
		"Tindo Operations Co Pty Ltd":        "tindo operations",
		"ENPHASE ENERGY AUSTRALIA PTY. LTD.": "enphase energy australia",
		"Enphase Energy Australia Pty Ltd":   "enphase energy australia",
		"AXITEC Energy GmbH & Co KG":         "axitec energy",
		"Sunman (Zhenjiang) Company Limited": "sunman zhenjiang",
		"SunPower Corporation":               "sunpower",
		"Fimer SpA":                          "fimer",
		"Victron Energy BV":                  "victron energy",
		"Tesla Inc":                          "tesla",
		"REC Solar Pte Ltd":                  "rec solar pte", // pte is not a company form of the contract
		"AG":                                 "ag",
		"Co Ltd":                             "co",
	} {
		if got := Base(in); got != want {
			t.Errorf("Base(%q) = %q, want %q", in, got, want)
		}
	}
}

func testKeyer(t *testing.T) *Keyer {
	t.Helper()
	k, err := New([]Brand{
		{Name: "Fronius", Aliases: []string{"Fronius Australia Pty Ltd", "Fronius International GmbH"}},
		{Name: "Solis", Aliases: []string{"Ginlong Technologies Co Ltd", "Ginlong"}},
		{Name: "Jinko", Aliases: []string{"Jinko Solar Co Ltd", "JinkoSolar"}},
		{Name: "Canadian Solar", Aliases: []string{"CSI Solar Co Ltd"}},
	}, []string{"IEC 61215-2021", "2016 / 2021", "AS4777-2 2020", "IEC1500V", "IEC1000V"})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestBrand(t *testing.T) {
	k := testKeyer(t)
	for _, c := range []struct {
		in, key string
		alias   bool
	}{
		{"Fronius", "fronius", false},
		{"Fronius Australia Pty Ltd", "fronius", true},
		{"FRONIUS AUSTRALIA PTY. LTD.", "fronius", true},
		{"Ginlong Technologies Co Ltd", "solis", true},
		{"Solis", "solis", false},
		{"Jinko Solar Co Ltd", "jinko", true},
		{"jinko solar", "jinko", true},
		{"CSI Solar Co Ltd", "canadian solar", true},
		{"Canadian Solar Inc.", "canadian solar", false},
		{"Trina Solar Co Ltd", "trina solar", false},
	} {
		key, alias := k.Brand(c.in)
		if key != c.key || alias != c.alias {
			t.Errorf("Brand(%q) = %q, %v; want %q, %v", c.in, key, alias, c.key, c.alias)
		}
	}
}

func TestModel(t *testing.T) {
	k := testKeyer(t)
	for _, c := range []struct{ in, key, suffix string }{
		{"Primo 5.0-1 (AS4777-2 2020)", "primo 5 0 1", "(AS4777-2 2020)"},
		{"Primo 5.0-1", "primo 5 0 1", ""},
		{"JKM440N-54HL4R-V (IEC 61215-2021)", "jkm440n 54hl4r v", "(IEC 61215-2021)"},
		{"JKM440N-54HL4R-V (iec  61215 - 2021)", "jkm440n 54hl4r v", "(iec  61215 - 2021)"},
		{"CS6.1-54TB-430 (IEC1500V) (IEC 61215-2021)", "cs6 1 54tb 430", "(IEC1500V) (IEC 61215-2021)"},
		{"TSM-480DE18M(II)", "tsm 480de18m ii", ""},
		{"TSM-480DE18M(II) (IEC 61215-2021)", "tsm 480de18m ii", "(IEC 61215-2021)"},
		{"DMH410M10-54HBB (T)", "dmh410m10 54hbb t", ""},
		{"SPR-MAX3-400 (60 Cell)", "spr max3 400 60 cell", ""},
		{"ABC-123 (2016 / 2021)", "abc 123", "(2016 / 2021)"},
		{"ABC-123 AS4777-2 2020", "abc 123 as4777 2 2020", ""}, // not parenthesised: stays
		{"(IEC1500V)", "iec1500v", ""},
		{"X (IEC1500V", "x iec1500v", ""},
	} {
		key, suffix := k.Model(c.in)
		if key != c.key || suffix != c.suffix {
			t.Errorf("Model(%q) = %q, %q; want %q, %q", c.in, key, suffix, c.key, c.suffix)
		}
	}
}

func TestNewRejectsAmbiguousAliases(t *testing.T) {
	for name, c := range map[string]struct {
		brands []Brand
		err    string
	}{
		"alias of two brands": {[]Brand{
			{Name: "Solis", Aliases: []string{"Ginlong"}, Line: 3},
			{Name: "Ginlong Solis", Aliases: []string{"Ginlong Co Ltd"}, Line: 7},
		}, `line 7: brands: "Ginlong Co Ltd" is claimed by Solis (line 3) and by Ginlong Solis (line 7)`},
		"brand is another's alias": {[]Brand{
			{Name: "Jinko", Aliases: []string{"Jinko Solar"}, Line: 2},
			{Name: "Jinko Solar Co Ltd", Line: 5},
		}, `is claimed by Jinko Solar Co Ltd (line 5) and by Jinko (line 2)`},
		"empty alias": {[]Brand{{Name: "SMA", Aliases: []string{"--"}, Line: 4}}, `line 4: brands: "--": a name needs a letter or digit`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(c.brands, nil)
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("error %v, want %q", err, c.err)
			}
		})
	}
	if _, err := New(nil, []string{"()"}); err == nil {
		t.Fatal("an empty suffix was accepted")
	}
}
