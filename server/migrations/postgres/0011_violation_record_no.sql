-- The national registry's record number of a violation (违法记录编号), the
-- natural key the registry import (server import-registry violations)
-- upserts by. Nullable: violations recorded before the import came (and the
-- demo registry's) have none. Unique where present: NULLs never collide on
-- either database. Keep in step with ../sqlite/0011_violation_record_no.sql.

ALTER TABLE violations ADD COLUMN record_no TEXT;
CREATE UNIQUE INDEX violations_record_no ON violations (record_no);
