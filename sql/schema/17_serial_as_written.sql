-- name: SerialAsWritten
-- A ledger row's serial_number (the serial as written) is NULL when it is its
-- serial_norm, as it is for nearly every row (SF=1: 1,523 of 624,937 rows of
-- a panel ledger file differ): the serial is then stored once. Writing the
-- second copy, compressed, was a tenth of a ledger file's INSERT. Rows loaded
-- before keep their copy; coalesce(serial_number, serial_norm) is the serial
-- as written either way, and the current views below give it so.
ALTER TABLE panel_ledger ALTER serial_number DROP NOT NULL;
ALTER TABLE inverter_ledger ALTER serial_number DROP NOT NULL;

-- The number of the last three characters of the serial whose tail code
-- (tail_code(), sql/schema/16_serial_codes.sql) is t, when all three are
-- digits: serial_tail3() (sql/schema/13_triage_keys.sql) by arithmetic on the
-- code's last three bytes, which the ledger loads have made already (a
-- regular expression and a cast per row less). The same for every ASCII
-- serial, as every ledger serial is; a serial of fewer than three characters
-- has a zero byte there, not a digit.
CREATE OR REPLACE MACRO code_tail3(t) AS
    CASE WHEN (t & 255) BETWEEN 48 AND 57
            AND ((t >> 8) & 255) BETWEEN 48 AND 57
            AND ((t >> 16) & 255) BETWEEN 48 AND 57
        THEN ((((t >> 16) & 255) - 48) * 100 + (((t >> 8) & 255) - 48) * 10 + ((t & 255) - 48))::SMALLINT
    END;

CREATE OR REPLACE VIEW panel_ledger_current AS
SELECT * EXCLUDE (rn) FROM (
    SELECT * REPLACE (coalesce(serial_number, serial_norm) AS serial_number), row_number() OVER (
        PARTITION BY norm_name(licensee), serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) AS rn
    FROM panel_ledger)
WHERE rn = 1;

CREATE OR REPLACE VIEW inverter_ledger_current AS
SELECT * EXCLUDE (rn) FROM (
    SELECT * REPLACE (coalesce(serial_number, serial_norm) AS serial_number), row_number() OVER (
        PARTITION BY norm_name(manufacturer), serial_norm
        ORDER BY uploaded_at DESC, file_id DESC, line DESC) AS rn
    FROM inverter_ledger)
WHERE rn = 1;
