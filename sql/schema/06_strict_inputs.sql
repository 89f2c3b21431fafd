-- name: StrictInputs
-- Data contract §1 as revised: numbers are never rounded, dates have a
-- four-digit year, and only the exact spreadsheet form counts as scientific
-- notation. Each value is matched by an explicit pattern before it is cast:
-- DuckDB's casts alone accept `0x6E`, `9_2`, `infinity` and two-digit years,
-- and round decimals.

-- A plain decimal as the contract writes numbers: digits, optionally a point
-- and more digits, optionally a leading minus (so a negative number gets the
-- "must be greater than 0" reason). No units, separators, hex, underscores,
-- exponents or words.
CREATE OR REPLACE MACRO is_plain_number(s) AS regexp_full_match(trim(s), '-?[0-9]+(\.[0-9]+)?');

-- A whole number (`12`, and `12.0` as 12), or NULL: `12.5` is never rounded.
CREATE OR REPLACE MACRO parse_whole(s) AS
    CASE WHEN regexp_full_match(trim(s), '-?[0-9]+(\.0+)?')
        THEN try_cast(regexp_extract(trim(s), '^-?[0-9]+') AS INTEGER) END;

-- A number with at most 3 decimal places (trailing zeros aside), or NULL:
-- `7.7528` is never 7.753. Used for rated_output_kw (whole watts),
-- ac_power_kw (whole watts) and rated_power_w (stored to 3 places).
CREATE OR REPLACE MACRO parse_decimal3(s) AS
    CASE WHEN regexp_full_match(trim(s), '-?[0-9]+(\.[0-9]{1,3}0*)?')
        THEN try_cast(trim(s) AS DECIMAL(18, 3)) END;

-- Why a number cell (blank allowed) cannot be read with at most 3 decimals.
CREATE OR REPLACE MACRO bad_decimal3(col, val) AS
    CASE WHEN cell(val) IS NULL THEN NULL
        WHEN NOT is_plain_number(val) THEN problem(col, val,
            'not a plain number: digits with an optional decimal point, no units, separators or exponents')
        WHEN parse_decimal3(val) IS NULL AND regexp_full_match(trim(val), '-?[0-9]+\.[0-9]+') THEN problem(col, val,
            'more than 3 decimal places: a number is never rounded')
        WHEN parse_decimal3(val) IS NULL THEN problem(col, val, 'number too large') END;

-- The old check, kept for any caller: now the strict one.
CREATE OR REPLACE MACRO bad_number(col, val) AS bad_decimal3(col, val);

-- Dates have a four-digit year: YYYY-MM-DD, or D/M/YYYY with one- or two-digit
-- day and month. `1/3/24`, `31/02/2025` and `infinity` are not dates.
CREATE OR REPLACE MACRO parse_date(s) AS (CASE
    WHEN regexp_full_match(trim(s), '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN try_strptime(trim(s), '%Y-%m-%d')
    WHEN regexp_full_match(trim(s), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}') THEN try_strptime(trim(s), '%d/%m/%Y')
    END)::DATE;

-- Timestamps are ISO 8601 with a four-digit year (an offset is turned into
-- UTC), or either date form. The pattern comes first: the TIMESTAMPTZ cast
-- alone accepts `infinity` and other forms.
CREATE OR REPLACE MACRO parse_timestamp(s) AS CASE
    WHEN regexp_full_match(trim(s),
        '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)? ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?')
        THEN try_cast(trim(s) AS TIMESTAMPTZ)::TIMESTAMP
    ELSE parse_date(s)::TIMESTAMP END;

-- A serial a spreadsheet turned into a number in scientific notation: exactly
-- the form a spreadsheet writes, one digit, optionally a point and digits, then
-- E+ or E- and digits (`1.23457E+11`, `1E+11`, `9.8E-05`). `160E31196030082`,
-- a real inverter serial, has no sign after the E and is an ordinary serial.
CREATE OR REPLACE MACRO is_sci_notation(s) AS regexp_full_match(trim(s), '[0-9](\.[0-9]+)?[eE][+-][0-9]+');
