-- How a claimed serial is matched (data contract §3): the current entry under
-- the claim's brand (by brand key) first; only where none exists, the current
-- entry of another brand (latest upload, then brand key first). An entry is
-- current for its licensee (by brand key; a status update written `Jinko`
-- updates the entry uploaded as `Jinko Solar Co Ltd`) and serial when it has
-- the latest upload, then the later file, then the later line.
--
-- Both choices are one ranking of the ledger rows of the serial: own brand
-- first, then the latest upload, then the smaller brand key (brand ids number
-- the keys in key order), then the later file and line. The row ranked first
-- is the claim brand's current entry when the brand has one, else the current
-- entry of the brand with the latest upload. So each claimed serial is joined
-- to its ledger rows once and keeps the row of the highest rank (arg_max over
-- the ranking struct, as sql/reports/matches.sql does): no window over the
-- ledger.

-- name: PanelMatches
-- For each distinct panel serial of a claim in scope, the ledger entry it is
-- matched to; no entry at all leaves the ledger columns NULL
-- (panel.not_in_ledger). *_id are name_keys ids of brand and model keys,
-- *_name_id the name_keys ids of the entry's names as written (a check that
-- quotes a name joins name_keys on it). A million rows at SF=1, ten million
-- at SF=10, so no text but the claim and serial (and the reason, nearly
-- always NULL): the claim's names are in audit_claims, and the entry's names
-- and status are integers (SF=10: writing the table 7.1 -> 2.1 s with the
-- names as text left out, under a 4 GB memory_limit).
CREATE OR REPLACE TEMP TABLE panel_matches AS
WITH ledger_rows AS (
    -- each serial's ledger rows. Every claim: by the serial's text. Nightly
    -- (a few thousand claims against every ledger row ever loaded): by its
    -- exact codes (head_key, tail_key: sql/schema/16_serial_codes.sql), which
    -- spares decoding the text of every ledger serial (SF=50: PanelMatches
    -- 2.5 -> 1.9-2.4 s); a serial too long for codes by its text, among the
    -- ledger's long serials only. (Every claim by codes: SF=1 matches 1.3 ->
    -- 1.7 s, making the codes of 1.8M claimed serials.)
    SELECT s.claim_id, s.serial_norm, l.rowid AS ledger_row, l.file_id, l.supplier_name, l.licensee,
        l.model_number, l.uploaded_at, l.status, l.reason, l.line
    FROM audit_serials s
    LEFT JOIN panel_ledger l USING (serial_norm)
    WHERE s.component = 'panel' AND getvariable('audit_all_claims')
    UNION ALL
    SELECT s.claim_id, s.serial_norm, l.rowid, l.file_id, l.supplier_name, l.licensee,
        l.model_number, l.uploaded_at, l.status, l.reason, l.line
    FROM audit_serials s
    LEFT JOIN panel_ledger l ON l.head_key = head_code(s.serial_norm) AND l.tail_key = tail_code(s.serial_norm)
    WHERE s.component = 'panel' AND NOT getvariable('audit_all_claims') AND head_code(s.serial_norm) IS NOT NULL
    UNION ALL
    SELECT s.claim_id, s.serial_norm, l.ledger_row, l.file_id, l.supplier_name, l.licensee,
        l.model_number, l.uploaded_at, l.status, l.reason, l.line
    FROM audit_serials s
    LEFT JOIN (SELECT rowid AS ledger_row, * FROM panel_ledger WHERE head_key IS NULL) l USING (serial_norm)
    WHERE s.component = 'panel' AND NOT getvariable('audit_all_claims') AND head_code(s.serial_norm) IS NULL
), joined AS (
    SELECT r.*, k.brand_id AS licensee_id, k.name_id AS licensee_name_id,
        {own_brand: k.brand_id = c.panel_brand_id, uploaded_at: r.uploaded_at,
         key_rank: -k.brand_id, file_id: r.file_id, line: r.line} AS rank
    FROM ledger_rows r
    JOIN audit_claims c USING (claim_id)
    LEFT JOIN name_keys k ON k.name = r.licensee
), carried AS (
    -- nightly: the chosen row's columns carried through the ranking
    SELECT claim_id, serial_norm,
        arg_max({file_id: file_id, supplier_name: supplier_name, model_number: model_number,
                 uploaded_at: uploaded_at, status: status, reason: reason,
                 licensee_id: licensee_id, licensee_name_id: licensee_name_id}, rank) AS l
    FROM joined
    WHERE NOT getvariable('audit_all_claims')
    GROUP BY claim_id, serial_norm
), by_row AS (
    -- every claim: the chosen row's id, then the row
    SELECT claim_id, serial_norm, arg_max(ledger_row, rank) AS ledger_row
    FROM joined
    WHERE getvariable('audit_all_claims')
    GROUP BY claim_id, serial_norm
), fetched AS (
    SELECT r.claim_id, r.serial_norm,
        {file_id: l.file_id, supplier_name: l.supplier_name, model_number: l.model_number,
         uploaded_at: l.uploaded_at, status: l.status, reason: l.reason,
         licensee_id: lk.brand_id, licensee_name_id: lk.name_id} AS l
    FROM by_row r
    LEFT JOIN panel_ledger l ON l.rowid = r.ledger_row
    LEFT JOIN name_keys lk ON lk.name = l.licensee
), chosen AS (
    SELECT * FROM carried
    UNION ALL
    SELECT * FROM fetched
)
-- (status: the ledgers' ENUM, sql/schema/14_ledger_status.sql, one byte a row)
SELECT ch.claim_id, ch.serial_norm,
    c.panel_brand_id, c.panel_model_id,
    ch.l.file_id AS ledger_file_id, ch.l.uploaded_at, ch.l.status, ch.l.reason,
    sk.brand_id AS supplier_id, ch.l.licensee_id, mk.model_id,
    sk.name_id AS supplier_name_id, ch.l.licensee_name_id, mk.name_id AS model_name_id
FROM chosen ch
JOIN audit_claims c USING (claim_id)
LEFT JOIN name_keys sk ON sk.name = ch.l.supplier_name
LEFT JOIN name_keys mk ON mk.name = ch.l.model_number;

-- name: InverterMatches
-- The same for inverter serials, by manufacturer, and as narrow: the claim's
-- names are in audit_claims, the entry's as written are name_keys ids.
CREATE OR REPLACE TEMP TABLE inverter_matches AS
WITH ledger_rows AS (
    SELECT s.claim_id, s.serial_norm, l.rowid AS ledger_row, l.file_id, l.manufacturer,
        l.model_number, l.uploaded_at, l.status, l.reason, l.line
    FROM audit_serials s
    LEFT JOIN inverter_ledger l USING (serial_norm)
    WHERE s.component = 'inverter' AND getvariable('audit_all_claims')
    UNION ALL
    SELECT s.claim_id, s.serial_norm, l.rowid, l.file_id, l.manufacturer,
        l.model_number, l.uploaded_at, l.status, l.reason, l.line
    FROM audit_serials s
    LEFT JOIN inverter_ledger l ON l.head_key = head_code(s.serial_norm) AND l.tail_key = tail_code(s.serial_norm)
    WHERE s.component = 'inverter' AND NOT getvariable('audit_all_claims') AND head_code(s.serial_norm) IS NOT NULL
    UNION ALL
    SELECT s.claim_id, s.serial_norm, l.ledger_row, l.file_id, l.manufacturer,
        l.model_number, l.uploaded_at, l.status, l.reason, l.line
    FROM audit_serials s
    LEFT JOIN (SELECT rowid AS ledger_row, * FROM inverter_ledger WHERE head_key IS NULL) l USING (serial_norm)
    WHERE s.component = 'inverter' AND NOT getvariable('audit_all_claims') AND head_code(s.serial_norm) IS NULL
), joined AS (
    SELECT r.*, k.brand_id AS manufacturer_id, k.name_id AS manufacturer_name_id,
        {own_brand: k.brand_id = c.inverter_manufacturer_id, uploaded_at: r.uploaded_at,
         key_rank: -k.brand_id, file_id: r.file_id, line: r.line} AS rank
    FROM ledger_rows r
    JOIN audit_claims c USING (claim_id)
    LEFT JOIN name_keys k ON k.name = r.manufacturer
), carried AS (
    SELECT claim_id, serial_norm,
        arg_max({file_id: file_id, model_number: model_number,
                 uploaded_at: uploaded_at, status: status, reason: reason,
                 manufacturer_id: manufacturer_id, manufacturer_name_id: manufacturer_name_id}, rank) AS l
    FROM joined
    WHERE NOT getvariable('audit_all_claims')
    GROUP BY claim_id, serial_norm
), by_row AS (
    SELECT claim_id, serial_norm, arg_max(ledger_row, rank) AS ledger_row
    FROM joined
    WHERE getvariable('audit_all_claims')
    GROUP BY claim_id, serial_norm
), fetched AS (
    SELECT r.claim_id, r.serial_norm,
        {file_id: l.file_id, model_number: l.model_number,
         uploaded_at: l.uploaded_at, status: l.status, reason: l.reason,
         manufacturer_id: lk.brand_id, manufacturer_name_id: lk.name_id} AS l
    FROM by_row r
    LEFT JOIN inverter_ledger l ON l.rowid = r.ledger_row
    LEFT JOIN name_keys lk ON lk.name = l.manufacturer
), chosen AS (
    SELECT * FROM carried
    UNION ALL
    SELECT * FROM fetched
)
SELECT ch.claim_id, ch.serial_norm,
    c.inverter_manufacturer_id, c.inverter_model_id,
    ch.l.file_id AS ledger_file_id, ch.l.uploaded_at, ch.l.status, ch.l.reason,
    ch.l.manufacturer_id, mk.model_id,
    ch.l.manufacturer_name_id, mk.name_id AS model_name_id
FROM chosen ch
JOIN audit_claims c USING (claim_id)
LEFT JOIN name_keys mk ON mk.name = ch.l.model_number;
