-- A vehicle's violations by status: the unit dashboard counts what is
-- outstanding on each of thousands of vehicles (most are paid long ago).
CREATE INDEX violations_vehicle_status ON violations (vehicle_id, status);
-- Newest first (the order of every violations list): a page of a unit's
-- violations is read in time order and stops when it is full.
CREATE INDEX violations_occurred ON violations (occurred_at);
