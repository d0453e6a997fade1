-- Temporary plates issued by car dealers granted the service (临时行驶车号
-- 牌, 临时号牌核发). Keep in step with the other backend's
-- 0021_temporary_plates.sql.

-- One plate from the dealer's entry to its end. The buyer confirms with an
-- SMS code (`sms_codes`, purpose 'temporary_plate', subject the id); the
-- rules (15 days, three per vehicle, one at a time) are in
-- `domain::temporary_plate`.
CREATE TABLE temporary_plates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- 号牌号码 (冀A000123), from the id in the same transaction.
    number TEXT UNIQUE,
    dealer_account_id BIGINT NOT NULL REFERENCES accounts (id),
    operator_id BIGINT REFERENCES unit_operators (id),
    vin TEXT NOT NULL REFERENCES vehicles (vin),
    buyer_id_number TEXT NOT NULL,
    buyer_name TEXT NOT NULL,
    buyer_phone TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('awaiting_buyer', 'issued', 'withdrawn', 'revoked')),
    entered_at BIGINT NOT NULL,
    issued_at BIGINT,
    ended_at BIGINT,
    revoked_reason TEXT
);
CREATE INDEX temporary_plates_dealer ON temporary_plates (dealer_account_id, id);
CREATE INDEX temporary_plates_vin ON temporary_plates (vin);
CREATE INDEX temporary_plates_buyer ON temporary_plates (buyer_id_number, id);
-- At most one plate of a vehicle waits for its buyer.
CREATE UNIQUE INDEX temporary_plates_one_awaiting ON temporary_plates (vin)
    WHERE state = 'awaiting_buyer';
