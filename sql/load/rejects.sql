-- name: QuarantineRejects
-- Every problem found in the staged file's rows (the Check statements of
-- load/<kind>.sql leave each row that has one in the temp table bad, with its
-- list of problems) becomes a reject, named by the header as the file writes
-- it. A row with any problem is not loaded.
-- The rejects found before the SQL ran (scan_rejects: rows the reader could
-- not take, cells it could not read; pipeline/ingest/rejects.go) go in with
-- them, unsorted, in the same INSERT: a transaction appends to rejects once.
-- (DuckDB 1.1.2 can lose rows appended to a table after a parallel INSERT
-- into it in the same transaction: pipeline/ingest laneShare.)
INSERT INTO rejects (file_id, line, column_name, value, reason)
SELECT f.file_id, s.line, s.column_name, s.value, s.reason
FROM scan_rejects s CROSS JOIN stage_file f
UNION ALL
SELECT * FROM (
    SELECT f.file_id, r.line, coalesce(h.header, r.p.column), r.p.value, r.p.reason
    FROM (SELECT line, unnest(problems) AS p FROM bad) r
    CROSS JOIN stage_file f
    LEFT JOIN stage_columns h ON h.name = r.p.column
    ORDER BY r.line, h.position);
