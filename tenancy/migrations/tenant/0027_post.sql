-- Post (issue 15 item 5): a sent letter goes to each recipient by Digital Post (SF1601,
-- MeMo), e-mail (SMTP) or print (fjernprint). ``post_letter`` holds the letter's PDF once;
-- one ``delivery`` per recipient, sent by the outbox (``post.deliver``), never twice: the
-- row is locked while sending and ``message_uuid`` is the MeMo messageUUID, which Digital
-- Post answers as already received when it comes again.
CREATE TABLE post_letter (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id uuid NOT NULL REFERENCES hovedsag (id),
    letter_id   uuid NOT NULL,
    document_id uuid NOT NULL,
    title       text NOT NULL,
    pdf         bytea NOT NULL,
    sent_by     text NOT NULL,  -- who sent it (username), the journal's author
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX post_letter_case ON post_letter (hovedsag_id);

-- Fjernprint: the day's letters to people exempt from Digital Post, printed in one batch
-- (each letter after an address page); the administrator downloads it and marks it printed.
CREATE TABLE print_batch (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    day         date NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    printed_at  timestamptz,
    printed_by  text
);
-- At most one open batch a day: new letters join it until it is printed.
CREATE UNIQUE INDEX print_batch_open_day ON print_batch (day) WHERE printed_at IS NULL;

CREATE TABLE delivery (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    post_letter_id    uuid NOT NULL REFERENCES post_letter (id),
    hovedsag_id       uuid NOT NULL REFERENCES hovedsag (id),
    letter_id         uuid NOT NULL,
    recipient_name    text NOT NULL,
    recipient_role    text NOT NULL,
    recipient_cpr     text,
    recipient_email   text,
    recipient_address text NOT NULL DEFAULT '',
    channel           text NOT NULL CHECK (channel IN ('digital_post', 'email', 'print')),
    status            text NOT NULL DEFAULT 'afventer'
                      CHECK (status IN ('afventer', 'sendt', 'fejlet')),
    attempts          integer NOT NULL DEFAULT 0,
    error             text,
    message_uuid      uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    print_batch_id    uuid REFERENCES print_batch (id),
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    sent_at           timestamptz
);
CREATE INDEX delivery_case ON delivery (hovedsag_id, created_at);
CREATE INDEX delivery_letter ON delivery (letter_id);
CREATE INDEX delivery_batch ON delivery (print_batch_id) WHERE print_batch_id IS NOT NULL;

-- Replies that came in by Digital Post: the MeMo's messageUUID, so a reply delivered twice
-- is stored once.
CREATE TABLE inbound_post (
    message_uuid uuid PRIMARY KEY,
    delivery_id  uuid NOT NULL REFERENCES delivery (id),
    document_id  uuid,
    received_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

GRANT SELECT, INSERT ON post_letter TO {{tenant_role}};
GRANT SELECT, INSERT, UPDATE ON print_batch TO {{tenant_role}};
GRANT SELECT, INSERT, UPDATE ON delivery TO {{tenant_role}};
GRANT SELECT, INSERT, UPDATE ON inbound_post TO {{tenant_role}};
