-- Driver physical examinations recorded by authorised hospitals (驾驶人体检,
-- D8), the physical-condition certificates submitted with them (提交身体条件
-- 证明, D9), and the examination an online renewal (D10, D11) rests on.
-- Keep in step with the other backend's 0020_physical_exams.sql.

-- One examination on the official form. Never changed once recorded: a
-- mistake is corrected by examining again.
CREATE TABLE physical_exams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- 身体条件证明编号 (`domain::physical_exam::CertificateNumber`), set
    -- from the id in the same transaction.
    certificate_no TEXT UNIQUE,
    hospital_account_id BIGINT NOT NULL REFERENCES accounts (id),
    operator_id BIGINT REFERENCES unit_operators (id),
    id_number TEXT NOT NULL REFERENCES persons (id_number),
    class TEXT NOT NULL,
    examined_on TEXT NOT NULL,
    height_cm BIGINT NOT NULL,
    -- Logarithmic chart in tenths: 49 is 4.9.
    vision_left BIGINT NOT NULL,
    vision_right BIGINT NOT NULL,
    vision_corrected BIGINT NOT NULL CHECK (vision_corrected IN (0, 1)),
    colour_vision TEXT NOT NULL,
    hearing TEXT NOT NULL,
    upper_limbs TEXT NOT NULL,
    lower_limbs TEXT NOT NULL,
    trunk_neck TEXT NOT NULL,
    conclusion TEXT NOT NULL CHECK (conclusion IN ('fit', 'unfit')),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX physical_exams_person ON physical_exams (id_number, examined_on);
CREATE INDEX physical_exams_hospital ON physical_exams (hospital_account_id, id);

-- A certificate submitted for a driver who owes one yearly: by the hospital
-- that examined them, or by the holder with the certificate's number. One
-- examination serves one submission. The due date it moved is kept.
CREATE TABLE physical_certificates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exam_id BIGINT NOT NULL UNIQUE REFERENCES physical_exams (id),
    id_number TEXT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    operator_id BIGINT REFERENCES unit_operators (id),
    channel TEXT NOT NULL CHECK (channel IN ('hospital', 'holder')),
    due_before TEXT NOT NULL,
    due_after TEXT NOT NULL,
    submitted_at BIGINT NOT NULL
);
CREATE INDEX physical_certificates_person ON physical_certificates (id_number, id);

-- The examination an online renewal rests on.
ALTER TABLE applications ADD COLUMN physical_exam_id BIGINT REFERENCES physical_exams (id);
