-- name: QuarantineRejects
-- Every problem found in the staged file's rows (the Check statements of
-- load/<kind>.sql leave each row that has one in the temp table bad, with its
-- list of problems) becomes a reject, named by the header as the file writes
-- it. A row with any problem is not loaded.
INSERT INTO rejects (file_id, line, column_name, value, reason)
SELECT f.file_id, r.line, coalesce(h.header, r.p.column), r.p.value, r.p.reason
FROM (SELECT line, unnest(problems) AS p FROM bad) r
CROSS JOIN stage_file f
LEFT JOIN stage_columns h ON h.name = r.p.column
ORDER BY r.line, h.position;
