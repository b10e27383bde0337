-- A case number a caseworker can say on the phone: "2026-00123", the year the case was
-- opened and its place in that year's sequence, per kommune (each kommune's schema has its
-- own counter). Every way a main case is made (a new child, a notification on a child with
-- no open case, a birth, a received transfer, the demo data) gets one from the trigger, so no
-- insert can forget it. Existing cases are numbered by opening date, then id.
CREATE TABLE case_number_counter (
    year integer PRIMARY KEY,
    last integer NOT NULL CHECK (last > 0)
);
GRANT SELECT, INSERT, UPDATE ON case_number_counter TO {{tenant_role}};

ALTER TABLE hovedsag ADD COLUMN case_number text;

WITH numbered AS (
    SELECT id, extract(year FROM opened_at)::int AS year,
           row_number() OVER (PARTITION BY extract(year FROM opened_at) ORDER BY opened_at, id) AS n
    FROM hovedsag
)
UPDATE hovedsag h SET case_number = numbered.year::text || '-' || lpad(numbered.n::text, 5, '0')
FROM numbered WHERE numbered.id = h.id;

INSERT INTO case_number_counter (year, last)
SELECT extract(year FROM opened_at)::int, count(*) FROM hovedsag GROUP BY 1;

-- Takes the year's next number; the counter row's lock orders concurrent openings.
CREATE FUNCTION hovedsag_case_number() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    y integer := extract(year FROM NEW.opened_at)::int;
    n integer;
BEGIN
    IF NEW.case_number IS NULL THEN
        INSERT INTO case_number_counter AS c (year, last) VALUES (y, 1)
        ON CONFLICT (year) DO UPDATE SET last = c.last + 1
        RETURNING last INTO n;
        NEW.case_number := y::text || '-' || lpad(n::text, 5, '0');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER hovedsag_case_number BEFORE INSERT ON hovedsag
    FOR EACH ROW EXECUTE FUNCTION hovedsag_case_number();

ALTER TABLE hovedsag ALTER COLUMN case_number SET NOT NULL;
ALTER TABLE hovedsag ADD CONSTRAINT hovedsag_case_number_unique UNIQUE (case_number);
