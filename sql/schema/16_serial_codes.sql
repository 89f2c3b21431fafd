-- name: SerialCodes
-- Exact integer codes of a ledger serial, stored with every ledger row, so
-- that a nightly audit (a few thousand claims against every ledger row ever
-- loaded) finds the ledger rows of its claimed serials by comparing two
-- UBIGINT columns, instead of decoding the text of every ledger serial (the
-- text is FSST-compressed: decoding 60 million serials was half of matching
-- them at SF=50):
--   tail_key  tail_code(serial_norm)  its last 8 characters
--   head_key  head_code(serial_norm)  the characters before those (none: 0);
--                                     NULL for a serial longer than 16
-- A code is the bytes of the characters read as one base-256 number ('0x' and
-- their hex digits). A normalised serial holds only ASCII letters, digits and
-- -./_ (contract §1; ingest rejects any other character), none of them a zero
-- byte, so 8 characters fit in a UBIGINT and different texts have different
-- codes: two serials of at most 16 characters are equal exactly when both
-- their codes are. Unlike the hashes of sql/schema/12_serial_keys.sql, no
-- verdict then rests on chance. A longer serial (head_key NULL) is matched on
-- its text (sql/audit/matches.sql). A text with a character of more than one
-- byte gets no codes at all (NULL), so it too is compared on its text.
--
-- tail_key was text_key(right(serial_norm, 8)), a hash of the same 8
-- characters: the triage (sql/audit/triage.sql) finds the ledger rows near a
-- missing serial by it, and now computes its typo keys with tail_code too.
-- Ingest computes both codes (sql/load/*_ledger.sql); this migration rewrites
-- tail_key and fills head_key for the rows loaded before it.

-- The last 8 characters of s as one number.
CREATE OR REPLACE MACRO tail_code(s) AS
    CASE WHEN strlen(s) = length(s) THEN ('0x0' || hex(right(s, 8)))::UBIGINT END;

-- The characters of s before its last 8 as one number (0 when there are
-- none); NULL when they are more than 8.
CREATE OR REPLACE MACRO head_code(s) AS
    CASE WHEN strlen(s) = length(s) AND length(s) <= 16 THEN ('0x0' || hex(left(s, -8)))::UBIGINT END;

ALTER TABLE panel_ledger ADD COLUMN head_key UBIGINT;
ALTER TABLE inverter_ledger ADD COLUMN head_key UBIGINT;

-- Filled by rewriting each column from the row's serial (less memory than an
-- UPDATE of every row, which keeps every old value until it commits).
ALTER TABLE panel_ledger ALTER tail_key SET DATA TYPE UBIGINT USING tail_code(serial_norm);
ALTER TABLE panel_ledger ALTER head_key SET DATA TYPE UBIGINT USING head_code(serial_norm);
ALTER TABLE inverter_ledger ALTER tail_key SET DATA TYPE UBIGINT USING tail_code(serial_norm);
ALTER TABLE inverter_ledger ALTER head_key SET DATA TYPE UBIGINT USING head_code(serial_norm);

-- The views over the ledgers name every column (`*`): made again so they see
-- the new one (as sql/schema/15_ledger_name_norms.sql defines them).
CREATE OR REPLACE VIEW panel_ledger_current AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY norm_name(licensee), serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) AS rn
    FROM panel_ledger)
WHERE rn = 1;

CREATE OR REPLACE VIEW inverter_ledger_current AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY norm_name(manufacturer), serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) AS rn
    FROM inverter_ledger)
WHERE rn = 1;
