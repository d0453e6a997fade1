-- A vehicle's number in the plate pool, found by its VIN (号牌池按车辆识别代号
-- 查找): every hold, extension and confirmation asks "what does this vehicle
-- hold". The unique partial index on (vin) for held and taken numbers does
-- not serve `status = 'held'` on SQLite (its partial-index rule wants the
-- index's own condition in the query), so each such question read the whole
-- pool: in a plate rush, a quarter of the server's time.
CREATE INDEX plate_pool_vin ON plate_pool (vin);
