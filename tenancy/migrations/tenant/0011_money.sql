-- Money (backend/money, docs/money.md): the catalogue of suppliers, offers and prices, the
-- visitation with costs and the manager's approval, bevillinger (what a granted measure
-- costs) with their own price rows, price updates as reversible jobs, payments and their
-- export to the kommune's finance system, and Excel exports made in the background.
--
-- Money is integer øre (bigint) everywhere. Price rows are never changed: a change retires
-- a row (who, when, why) and writes its replacement, so the history is the rows.

-- The kommune's rules for approval.
ALTER TABLE kommune_settings ADD COLUMN bevilling_approval text NOT NULL DEFAULT 'altid'
    CHECK (bevilling_approval IN ('altid', 'over_beloeb', 'aldrig'));
ALTER TABLE kommune_settings ADD COLUMN bevilling_approval_threshold_oere bigint NOT NULL
    DEFAULT 0 CHECK (bevilling_approval_threshold_oere >= 0);
ALTER TABLE kommune_settings ADD COLUMN payment_approval boolean NOT NULL DEFAULT false;
GRANT UPDATE (bevilling_approval, bevilling_approval_threshold_oere, payment_approval)
    ON kommune_settings TO {{tenant_role}};

-- What a priced line costs: the single place the cost convention lives (docs/money.md).
-- For each calendar month that [a, b] (inclusive) touches, the cost of the line's days in
-- it, in whole øre, rounded half away from zero:
--   day   : amount × quantity for every calendar day
--   week  : amount × quantity × days / 7 (a week is 7 days)
--   month : amount × quantity × days / days in that calendar month (a whole month costs
--           the monthly amount whatever its length)
--   once  : amount × quantity, in the month of the line's start date, if [a, b] holds it
-- Callers pass one price period at a time, so each month's part of a price period is
-- rounded once. Integer arithmetic only (quantity has two decimals) and written so the
-- planner inlines it: a year of a large kommune's bevillinger costs well under 100 ms.
CREATE FUNCTION money_months(frequency text, quantity numeric, amount_oere bigint,
                             line_start date, a date, b date)
RETURNS TABLE (month date, cost bigint) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT x.ms,
           CASE WHEN frequency = 'once' THEN
                    CASE WHEN line_start BETWEEN x.a1 AND x.b1
                         THEN (2 * amount_oere * (quantity * 100)::bigint
                               + CASE WHEN amount_oere < 0 THEN -100 ELSE 100 END) / 200
                         ELSE 0::bigint END
                ELSE (2 * amount_oere * (quantity * 100)::bigint * (x.b1 - x.a1 + 1)
                      + CASE WHEN amount_oere < 0 THEN -x.d ELSE x.d END) / (2 * x.d)
           END
    FROM (SELECT y.ms, greatest(y.ms, a) AS a1, least(y.me, b) AS b1,
                 CASE frequency WHEN 'day' THEN 100 WHEN 'week' THEN 700
                                ELSE 100 * (y.me - y.ms + 1) END AS d
          FROM (SELECT make_date(ym / 12, ym % 12 + 1, 1) AS ms,
                       make_date((ym + 1) / 12, (ym + 1) % 12 + 1, 1) - 1 AS me
                FROM generate_series(
                    extract(year FROM a)::int * 12 + extract(month FROM a)::int - 1,
                    extract(year FROM b)::int * 12 + extract(month FROM b)::int - 1) ym
                WHERE a <= b) y) x
$$;

-- The same summed over [a, b].
CREATE FUNCTION money_cost(frequency text, quantity numeric, amount_oere bigint,
                           line_start date, a date, b date)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(sum(m.cost), 0)::bigint
    FROM money_months(frequency, quantity, amount_oere, line_start, a, b) m
$$;

-- Suppliers (leverandører) and their offers (tilbud).
CREATE TABLE supplier (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name               text NOT NULL CHECK (length(btrim(name)) > 0),
    -- A foster family is paid as a person and has no CVR number.
    cvr                text CHECK (cvr ~ '^[0-9]{8}$'),
    kind               text NOT NULL CHECK (kind IN ('doegninstitution', 'opholdssted',
                           'plejefamilie', 'netvaerksplejefamilie', 'kostskole',
                           'privat_leverandoer', 'kommunalt_tilbud', 'andet')),
    tilbudsportalen_id text,
    address            text NOT NULL DEFAULT '',
    active             boolean NOT NULL DEFAULT true,
    version            integer NOT NULL DEFAULT 1,
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    changed_by         text,
    changed_at         timestamptz
);
CREATE INDEX supplier_name ON supplier (lower(name));
GRANT SELECT, INSERT, UPDATE ON supplier TO {{tenant_role}};

CREATE TABLE offer (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    supplier_id        uuid NOT NULL REFERENCES supplier (id),
    name               text NOT NULL CHECK (length(btrim(name)) > 0),
    measure_kind       text NOT NULL,
    unit               text NOT NULL CHECK (unit IN ('hour', 'day', 'week', 'month', 'once')),
    tilbudsportalen_id text,
    active             boolean NOT NULL DEFAULT true,
    version            integer NOT NULL DEFAULT 1,
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    changed_by         text,
    changed_at         timestamptz
);
CREATE INDEX offer_supplier ON offer (supplier_id);
CREATE INDEX offer_measure ON offer (measure_kind) WHERE active;
GRANT SELECT, INSERT, UPDATE ON offer TO {{tenant_role}};

-- Price updates (finance): the request, then the job that applies or reverts it.
CREATE TABLE price_update (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    offer_ids        uuid[] NOT NULL,
    effective_from   date NOT NULL,
    percent          numeric(7, 3),
    amounts          jsonb,  -- {offer_id: new amount in øre} instead of a percentage
    note             text NOT NULL DEFAULT '',
    status           text NOT NULL DEFAULT 'venter' CHECK (status IN ('venter', 'faerdig',
                         'fejlet', 'tilbagefoeres', 'tilbagefoert')),
    preview          jsonb NOT NULL DEFAULT '{}',
    result           jsonb NOT NULL DEFAULT '{}',
    error            text,
    requested_by     text NOT NULL,
    requested_at     timestamptz NOT NULL DEFAULT now(),
    applied_at       timestamptz,
    revert_requested_by text,
    revert_requested_at timestamptz,
    revert_error     text,
    reverted_at      timestamptz,
    CHECK ((percent IS NULL) <> (amounts IS NULL))
);
CREATE INDEX price_update_requested ON price_update (requested_at DESC);
GRANT SELECT, INSERT, UPDATE ON price_update TO {{tenant_role}};

-- An offer's prices. A row's amount and validity never change; a change retires the row
-- and writes its replacement. Active rows of an offer never overlap (trigger below).
CREATE TABLE offer_price (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    offer_id          uuid NOT NULL REFERENCES offer (id),
    valid_from        date NOT NULL,
    valid_to          date,
    amount_oere       bigint NOT NULL CHECK (amount_oere >= 0),
    note              text NOT NULL DEFAULT '',
    price_update_id   uuid REFERENCES price_update (id),  -- written by this update
    restored_from_id  uuid REFERENCES offer_price (id),   -- a revert's copy of this row
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    retired_at        timestamptz,
    retired_by        text,
    retired_reason    text,
    retired_by_update uuid REFERENCES price_update (id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK ((retired_at IS NULL) = (retired_by IS NULL))
);
CREATE INDEX offer_price_active ON offer_price (offer_id, valid_from) WHERE retired_at IS NULL;
CREATE INDEX offer_price_update ON offer_price (price_update_id) WHERE price_update_id IS NOT NULL;
CREATE INDEX offer_price_retired_update ON offer_price (retired_by_update)
    WHERE retired_by_update IS NOT NULL;
GRANT SELECT, INSERT ON offer_price TO {{tenant_role}};
GRANT UPDATE (retired_at, retired_by, retired_reason, retired_by_update)
    ON offer_price TO {{tenant_role}};

-- Visitation with costs: the caseworker composes measures before the decision; the
-- manager approves the composition when the kommune requires it; the decision uses it.
CREATE TABLE visitation_draft (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id    uuid NOT NULL REFERENCES hovedsag (id),
    paragraph      text NOT NULL CHECK (paragraph IN ('32', '46', '47')),
    status         text NOT NULL DEFAULT 'kladde' CHECK (status IN ('kladde', 'indsendt',
                       'godkendt', 'returneret', 'anvendt', 'annulleret')),
    version        integer NOT NULL DEFAULT 1,
    note           text NOT NULL DEFAULT '',
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    changed_by     text NOT NULL,
    changed_at     timestamptz NOT NULL DEFAULT now(),
    submitted_by   text,
    submitted_at   timestamptz,
    per_year_oere  bigint,  -- the expected yearly cost when it was submitted
    needs_approval boolean,
    approved_by    text,
    approved_at    timestamptz,
    approval_note  text,
    returned_by    text,
    returned_at    timestamptz,
    return_reason  text,
    afgoerelse_id  uuid REFERENCES afgoerelse (id),
    cancel_reason  text
);
CREATE UNIQUE INDEX visitation_draft_one_open ON visitation_draft (hovedsag_id)
    WHERE status IN ('kladde', 'indsendt', 'godkendt', 'returneret');
CREATE INDEX visitation_draft_submitted ON visitation_draft (submitted_at)
    WHERE status = 'indsendt';
GRANT SELECT, INSERT, UPDATE ON visitation_draft TO {{tenant_role}};

CREATE TABLE visitation_line (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    draft_id     uuid NOT NULL REFERENCES visitation_draft (id),
    position     integer NOT NULL,
    measure_kind text NOT NULL,
    offer_id     uuid NOT NULL REFERENCES offer (id),
    quantity     numeric(10, 2) NOT NULL CHECK (quantity > 0),
    frequency    text NOT NULL CHECK (frequency IN ('day', 'week', 'month', 'once')),
    starts_on    date NOT NULL,
    ends_on      date,  -- the planned end; NULL: until further notice
    note         text NOT NULL DEFAULT '',
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX visitation_line_draft ON visitation_line (draft_id, position);
GRANT SELECT, INSERT, DELETE ON visitation_line TO {{tenant_role}};

-- A bevilling: the granted measure (the case core's indsats) with its supplier, offer,
-- quantity, planned period and legal basis. Its end is the earlier of the planned end
-- and the measure's end (indsats.ends_on).
CREATE TABLE bevilling (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id    uuid NOT NULL REFERENCES hovedsag (id),
    indsats_id     uuid NOT NULL UNIQUE REFERENCES indsats (id),
    afgoerelse_id  uuid REFERENCES afgoerelse (id),
    draft_line_id  uuid REFERENCES visitation_line (id),
    offer_id       uuid NOT NULL REFERENCES offer (id),
    supplier_id    uuid NOT NULL REFERENCES supplier (id),
    measure_kind   text NOT NULL,
    paragraph      text NOT NULL,
    unit           text NOT NULL CHECK (unit IN ('hour', 'day', 'week', 'month', 'once')),
    quantity       numeric(10, 2) NOT NULL CHECK (quantity > 0),
    frequency      text NOT NULL CHECK (frequency IN ('day', 'week', 'month', 'once')),
    period_from    date NOT NULL,
    period_to      date,
    approved_by    text,  -- NULL: the kommune did not require a manager's approval
    approved_at    timestamptz,
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (period_to IS NULL OR period_to >= period_from)
);
CREATE INDEX bevilling_case ON bevilling (hovedsag_id);
CREATE INDEX bevilling_offer ON bevilling (offer_id);
CREATE INDEX bevilling_supplier ON bevilling (supplier_id);
GRANT SELECT, INSERT ON bevilling TO {{tenant_role}};

-- A bevilling's own prices (copied from the offer when granted; re-priced by updates).
CREATE TABLE bevilling_price (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bevilling_id      uuid NOT NULL REFERENCES bevilling (id),
    valid_from        date NOT NULL,
    valid_to          date,
    amount_oere       bigint NOT NULL CHECK (amount_oere >= 0),
    price_update_id   uuid REFERENCES price_update (id),
    restored_from_id  bigint REFERENCES bevilling_price (id),
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    retired_at        timestamptz,
    retired_by        text,
    retired_by_update uuid REFERENCES price_update (id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK ((retired_at IS NULL) = (retired_by IS NULL))
);
CREATE INDEX bevilling_price_active ON bevilling_price (bevilling_id, valid_from)
    INCLUDE (valid_to, amount_oere) WHERE retired_at IS NULL;
CREATE INDEX bevilling_price_update ON bevilling_price (price_update_id)
    WHERE price_update_id IS NOT NULL;
CREATE INDEX bevilling_price_retired_update ON bevilling_price (retired_by_update)
    WHERE retired_by_update IS NOT NULL;
GRANT SELECT, INSERT ON bevilling_price TO {{tenant_role}};
GRANT UPDATE (retired_at, retired_by, retired_by_update) ON bevilling_price TO {{tenant_role}};

-- Price rows: only retiring is an update, and a retired row stays retired; active rows of
-- one offer (one bevilling) never overlap. Writers lock the offer (bevilling) row first,
-- so concurrent writers queue and the check (a new snapshot per statement) sees the
-- other's committed rows. btree_gist is not in the embedded PostgreSQL, so this is a
-- statement trigger rather than an exclusion constraint.
CREATE FUNCTION money_price_row_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.retired_at IS NOT NULL OR NEW.valid_from <> OLD.valid_from
       OR NEW.valid_to IS DISTINCT FROM OLD.valid_to OR NEW.amount_oere <> OLD.amount_oere THEN
        RAISE EXCEPTION 'price row % cannot change', OLD.id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER offer_price_locked BEFORE UPDATE ON offer_price
    FOR EACH ROW EXECUTE FUNCTION money_price_row_locked();
CREATE TRIGGER bevilling_price_locked BEFORE UPDATE ON bevilling_price
    FOR EACH ROW EXECUTE FUNCTION money_price_row_locked();

CREATE FUNCTION offer_price_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows n JOIN offer_price p ON p.offer_id = n.offer_id AND p.id <> n.id
        WHERE n.retired_at IS NULL AND p.retired_at IS NULL
          AND daterange(p.valid_from, p.valid_to, '[]') && daterange(n.valid_from, n.valid_to, '[]')
    ) THEN
        RAISE EXCEPTION 'overlapping prices for an offer' USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER offer_price_no_overlap AFTER INSERT ON offer_price
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION offer_price_no_overlap();

CREATE FUNCTION bevilling_price_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows n
        JOIN bevilling_price p ON p.bevilling_id = n.bevilling_id AND p.id <> n.id
        WHERE n.retired_at IS NULL AND p.retired_at IS NULL
          AND daterange(p.valid_from, p.valid_to, '[]') && daterange(n.valid_from, n.valid_to, '[]')
    ) THEN
        RAISE EXCEPTION 'overlapping prices for a bevilling' USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER bevilling_price_no_overlap AFTER INSERT ON bevilling_price
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION bevilling_price_no_overlap();

-- Every change to the catalogue, the settings and prices, append-only.
CREATE TABLE catalogue_event (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor     text NOT NULL,
    entity    text NOT NULL CHECK (entity IN ('supplier', 'offer', 'price', 'price_update',
                  'settings')),
    entity_id uuid,
    action    text NOT NULL,
    title     text NOT NULL,
    detail    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX catalogue_event_entity ON catalogue_event (entity_id, at DESC);
CREATE INDEX catalogue_event_at ON catalogue_event (at DESC);
GRANT SELECT, INSERT ON catalogue_event TO {{tenant_role}};

-- Payments: only against a bevilling and within its period (checked by the application
-- against the measure's end too); registreret → godkendt (a manager, where the kommune
-- requires it) → eksporteret, exactly once, to the finance system.
CREATE TABLE payment_export (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    filename      text NOT NULL,
    content       bytea NOT NULL,
    sha256        text NOT NULL,
    payment_count integer NOT NULL,
    total_oere    bigint NOT NULL
);
GRANT SELECT, INSERT ON payment_export TO {{tenant_role}};

CREATE TABLE payment (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    bevilling_id  uuid NOT NULL REFERENCES bevilling (id),
    hovedsag_id   uuid NOT NULL REFERENCES hovedsag (id),
    period_from   date NOT NULL,
    period_to     date NOT NULL,
    amount_oere   bigint NOT NULL CHECK (amount_oere > 0),
    invoice_ref   text NOT NULL DEFAULT '',
    note          text NOT NULL DEFAULT '',
    status        text NOT NULL CHECK (status IN ('registreret', 'godkendt', 'eksporteret',
                      'annulleret')),
    registered_by text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now(),
    approved_by   text,  -- NULL with status godkendt: the kommune did not require approval
    approved_at   timestamptz,
    export_id     uuid REFERENCES payment_export (id),
    cancelled_by  text,
    cancelled_at  timestamptz,
    cancel_reason text,
    version       integer NOT NULL DEFAULT 1,
    CHECK (period_to >= period_from),
    CHECK ((status = 'eksporteret') = (export_id IS NOT NULL)),
    CHECK (status <> 'annulleret' OR length(btrim(coalesce(cancel_reason, ''))) > 0)
);
CREATE INDEX payment_bevilling ON payment (bevilling_id);
CREATE INDEX payment_case ON payment (hovedsag_id);
CREATE INDEX payment_to_export ON payment (approved_at) WHERE status = 'godkendt';
CREATE INDEX payment_period ON payment (period_from);
GRANT SELECT, INSERT ON payment TO {{tenant_role}};
GRANT UPDATE (status, approved_by, approved_at, export_id, cancelled_by, cancelled_at,
              cancel_reason, version) ON payment TO {{tenant_role}};

-- Once exported, a payment stays exported (the finance system has it).
CREATE FUNCTION payment_exported_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IN ('eksporteret', 'annulleret') THEN
        RAISE EXCEPTION 'payment % is %', OLD.id, OLD.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER payment_exported_locked BEFORE UPDATE ON payment
    FOR EACH ROW EXECUTE FUNCTION payment_exported_locked();

-- Excel exports made in the background; the file is kept for a day, for its requester.
CREATE TABLE export_job (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source      text NOT NULL,
    params      jsonb NOT NULL DEFAULT '{}',
    user_id     uuid NOT NULL REFERENCES app_user (id),
    actor       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    status      text NOT NULL DEFAULT 'venter' CHECK (status IN ('venter', 'klar', 'fejlet')),
    total_rows  integer,
    filename    text,
    content     bytea,
    error       text,
    finished_at timestamptz,
    expires_at  timestamptz NOT NULL DEFAULT now() + interval '1 day'
);
CREATE INDEX export_job_user ON export_job (user_id, created_at DESC);
GRANT SELECT, INSERT, UPDATE, DELETE ON export_job TO {{tenant_role}};

-- Management information reads activities by rule and deadline, notifications by time,
-- and running measures by kind.
CREATE INDEX activity_rule_due ON activity (rule_id, due_at) INCLUDE (status, completed_at);
CREATE INDEX activity_rule_completed ON activity (rule_id, completed_at)
    WHERE due_at IS NULL AND status <> 'open';
