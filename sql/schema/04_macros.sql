-- name: Macros
-- The normalising and parsing rules of data contract §1, as macros, so load and
-- check SQL say the same thing the same way.

-- A cell: trimmed, and NULL when blank.
CREATE MACRO cell(s) AS nullif(trim(s), '');

-- Serials compare after trimming, upper-casing and removing all white space.
CREATE MACRO norm_serial(s) AS upper(regexp_replace(s, '\s', '', 'g'));

-- Names compare after trimming, collapsing white space and case-folding.
CREATE MACRO norm_name(s) AS lower(trim(regexp_replace(s, '\s+', ' ', 'g')));

-- A serial a spreadsheet turned into a number in scientific notation (1.23457E+11).
CREATE MACRO is_sci_notation(s) AS regexp_full_match(trim(s), '[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+');

-- Dates are YYYY-MM-DD or DD/MM/YYYY.
CREATE MACRO parse_date(s) AS coalesce(
    try_strptime(trim(s), '%Y-%m-%d'),
    try_strptime(trim(s), '%d/%m/%Y'))::DATE;

-- Timestamps are ISO 8601 (an offset is turned into UTC), or either date form.
CREATE MACRO parse_timestamp(s) AS coalesce(
    try_cast(trim(s) AS TIMESTAMPTZ)::TIMESTAMP,
    try_strptime(trim(s), '%d/%m/%Y'));

-- A serial list cell: separated by ; , | or new lines; blanks dropped.
CREATE MACRO split_serials(s) AS
    list_filter(list_transform(regexp_split_to_array(coalesce(s, ''), '[;,|\r\n]'), x -> trim(x)), x -> x <> '');

-- An Australian Business Number: 11 digits whose weighted sum (first digit less
-- one) is divisible by 89.
CREATE MACRO abn_valid(a) AS regexp_full_match(a, '[0-9]{11}') AND list_sum(list_transform(range(11),
    i -> (ascii(a[i + 1]) - 48 - CASE WHEN i = 0 THEN 1 ELSE 0 END)
         * [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19][i + 1])) % 89 = 0;

-- One problem found in a staged cell, for the rejects table.
CREATE MACRO problem(col, val, why) AS {'column': col, 'value': val, 'reason': why};

-- A required cell that is blank.
CREATE MACRO required(col, val) AS
    CASE WHEN cell(val) IS NULL THEN problem(col, val, 'required value is empty') END;

-- A serial that cannot be trusted as text.
CREATE MACRO bad_serial(col, val) AS
    CASE WHEN is_sci_notation(val) THEN problem(col, val,
        'serial is in scientific notation, as a spreadsheet writes a long number; its digits are lost: export the column as text') END;

-- A date cell (blank allowed) that is not a date.
CREATE MACRO bad_date(col, val) AS
    CASE WHEN cell(val) IS NOT NULL AND parse_date(val) IS NULL THEN problem(col, val,
        'not a date: use YYYY-MM-DD or DD/MM/YYYY') END;

-- A number cell (blank allowed) that is not a number.
CREATE MACRO bad_number(col, val) AS
    CASE WHEN cell(val) IS NOT NULL AND try_cast(cell(val) AS DECIMAL(18, 3)) IS NULL THEN problem(col, val,
        'not a number') END;

-- STCs = floor(rated output kW × zone rating × deeming years), exactly: every
-- operand is DECIMAL or INTEGER, so 100 kW × 1.382 × 5 is 691, never 690.99….
CREATE MACRO stc_count(kw, rating, years) AS floor(kw * rating * years)::INTEGER;
