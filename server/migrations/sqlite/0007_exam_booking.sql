-- Driving-test booking (驾考预约, D12) (sqlite). Keep in step with ../postgres.
CREATE TABLE exam_centres (
    id BIGINT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL
);

-- Sessions with their seats. Bookings are collected until closes_at and
-- then allocated once (allocated_at is claimed by a conditional update);
-- the CHECK keeps the allocation within capacity whatever happens.
CREATE TABLE exam_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    centre_id BIGINT NOT NULL REFERENCES exam_centres (id),
    subject TEXT NOT NULL CHECK (subject IN ('1', '2', '3', '4')),
    day TEXT NOT NULL,
    period TEXT NOT NULL,
    capacity BIGINT NOT NULL CHECK (capacity > 0),
    closes_at BIGINT NOT NULL,
    allocated_at BIGINT,
    allocated BIGINT NOT NULL DEFAULT 0,
    CHECK (allocated <= capacity)
);
CREATE INDEX exam_sessions_open ON exam_sessions (closes_at, allocated_at);

-- The learner's file (学员档案): loaded by the vehicle office / schools.
CREATE TABLE learner_records (
    id_number TEXT NOT NULL PRIMARY KEY,
    licence_class TEXT NOT NULL,
    permit_issued TEXT NOT NULL,
    permit_valid_until TEXT NOT NULL
);

CREATE TABLE exam_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    id_number TEXT NOT NULL,
    subject TEXT NOT NULL,
    day TEXT NOT NULL,
    passed BIGINT NOT NULL CHECK (passed IN (0, 1))
);
CREATE INDEX exam_results_learner ON exam_results (id_number);

CREATE TABLE exam_bookings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    id_number TEXT NOT NULL,
    session_id BIGINT NOT NULL REFERENCES exam_sessions (id),
    subject TEXT NOT NULL,
    priority TEXT NOT NULL,
    booked_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'allocated', 'not_allocated', 'cancelled')),
    rank BIGINT
);
CREATE INDEX exam_bookings_session ON exam_bookings (session_id, status);
-- One open booking per learner and subject.
CREATE UNIQUE INDEX exam_bookings_one_open ON exam_bookings (id_number, subject) WHERE status IN ('pending', 'allocated');
