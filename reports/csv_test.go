package reports

import (
	"bytes"
	"testing"
)

func TestEscapeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+61 2":             "'+61 2",
		"-5":                "'-5",
		"@SUM(A1)":          "'@SUM(A1)",
		"\tx":               "'\tx",
		"\rx":               "'\rx",
		"":                  "",
		"a=b":               "a=b",
		"J-001":             "J-001",
		"'quoted":           "'quoted",
	} {
		if got := escapeCell(in); got != want {
			t.Errorf("escapeCell(%q) = %q, want %q", in, got, want)
		}
	}
	var b bytes.Buffer
	w := newCSVWriter(&b)
	if err := w.Write([]string{"=1+2", "a,b", "ok"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "'=1+2,\"a,b\",ok\n" {
		t.Errorf("row written as %q", got)
	}
}
