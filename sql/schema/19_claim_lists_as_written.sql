-- name: ClaimListsAsWritten
-- A claim's panel_serials and inverter_serials (the cells as written) are
-- NULL when the cell is plain: serials of ASCII letters, digits and -./_
-- separated by single semicolons, nothing else (load/claims.sql,
-- panel_plain), as nearly every cell is. Such a cell is exactly its
-- listings as written, in list order, joined by ';' (claim_serials), so it
-- is not stored twice: DuckDB found nothing to compress in it (FSST), and it
-- was rewritten at every checkpoint that touched the claims' last row group.
-- Claims loaded before keep their copy. claims_as_written gives every cell
-- back either way.
ALTER TABLE claims ALTER panel_serials DROP NOT NULL;
ALTER TABLE claims ALTER inverter_serials DROP NOT NULL;

CREATE OR REPLACE VIEW claims_as_written AS
SELECT c.* REPLACE (
    coalesce(c.panel_serials, (
        SELECT string_agg(coalesce(s.serial_number, s.serial_norm), ';' ORDER BY s.position)
        FROM claim_serials s
        WHERE s.file_id = c.file_id AND s.claim_id = c.claim_id AND s.component = 'panel')) AS panel_serials,
    coalesce(c.inverter_serials, (
        SELECT string_agg(coalesce(s.serial_number, s.serial_norm), ';' ORDER BY s.position)
        FROM claim_serials s
        WHERE s.file_id = c.file_id AND s.claim_id = c.claim_id AND s.component = 'inverter')) AS inverter_serials)
FROM claims c;
