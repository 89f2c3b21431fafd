-- name: SerialCharset
-- Data contract §1: after normalising (trim, upper-case, white space removed),
-- a serial holds only ASCII letters, digits and -./_ ; anything else is a
-- reject that names the character and its code point (a Cyrillic А is not a
-- Latin A). Text cells reach SQL already NFKC-normalised, with every Unicode
-- space and zero-width character turned into a space (pipeline/ingest/text.go).

-- The first character of a serial outside the serial character set, as
-- written (white space aside), or NULL. One pattern match on the common path.
CREATE OR REPLACE MACRO serial_bad_char(s) AS
    CASE WHEN regexp_full_match(s, '[A-Za-z0-9./_\s-]*') THEN NULL
        ELSE regexp_extract(regexp_replace(s, '\s', '', 'g'), '[^A-Za-z0-9./_-]') END;

-- A reject for a serial outside the character set (NULL serial: none).
CREATE OR REPLACE MACRO serial_char_problem(col, val, serial) AS
    CASE WHEN serial IS NOT NULL THEN problem(col, val,
        'serial ' || serial || ' holds "' || serial_bad_char(serial) || '" (' ||
        printf('U+%04X', unicode(serial_bad_char(serial))) ||
        '): a serial has only ASCII letters, digits and -./_') END;

-- A serial that cannot be trusted as text.
CREATE OR REPLACE MACRO bad_serial(col, val) AS
    CASE WHEN is_sci_notation(val) THEN problem(col, val,
            'serial is in scientific notation, as a spreadsheet writes a long number; its digits are lost: export the column as text')
        WHEN serial_bad_char(cell(val)) IS NOT NULL THEN serial_char_problem(col, val, cell(val)) END;
