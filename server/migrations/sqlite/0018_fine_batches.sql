-- Several fines paid in one payment order (合并缴款). Keep in step with the
-- other backend's 0018_fine_batches.sql.

-- The order the payment gateway sees: its number and the total. Each fine
-- keeps its own row in fine_payments (its amount, its receipt, and a refund
-- of its part if that fine was paid by another order first), numbered
-- <batch_no>-<n> and carrying batch_no.
CREATE TABLE fine_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_no TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    amount_fen BIGINT NOT NULL,
    fines BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    paid_at BIGINT,
    bank_ref TEXT
);
ALTER TABLE fine_payments ADD COLUMN batch_no TEXT;
CREATE INDEX fine_payments_batch ON fine_payments (batch_no);
