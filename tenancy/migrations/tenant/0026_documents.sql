-- Documents on a case (issue 15, backend/documents): metadata with the extracted text and
-- its Danish search vector, and the bytes in 1 MiB chunks in the kommune's own schema, so
-- the kommune boundary (schema and role) covers the files as it covers the rows.
--
-- state: 'afventer' while the upload has not finished (never listed; swept after a day),
-- 'klar' once every byte is stored and checked. rendition: the PDF LibreOffice made of a
-- Word/ODT/Excel file for viewing ('ingen' when none is needed).
CREATE TABLE document (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id     uuid NOT NULL REFERENCES hovedsag (id),
    enkeltsag_id    uuid REFERENCES enkeltsag (id),
    title           text NOT NULL CHECK (length(btrim(title)) > 0),
    kind            text NOT NULL CHECK (kind IN ('underretning', 'udtalelse', 'statusudtalelse',
                        'referat', 'afgoerelse', 'partshoering', 'korrespondance', 'andet')),
    dated           date NOT NULL,
    filename        text NOT NULL CHECK (length(filename) > 0),
    content_type    text NOT NULL,
    declared_size   bigint NOT NULL CHECK (declared_size BETWEEN 1 AND 104857600),
    size            bigint CHECK (size BETWEEN 1 AND 104857600),
    source          text NOT NULL DEFAULT 'upload'
                        CHECK (source IN ('upload', 'brev', 'digital_post', 'overfoersel')),
    incoming        boolean NOT NULL DEFAULT false,
    handled_at      timestamptz,
    handled_by      text,
    state           text NOT NULL DEFAULT 'afventer' CHECK (state IN ('afventer', 'klar')),
    added_by        uuid REFERENCES app_user (id),
    added_by_name   text NOT NULL,
    added_at        timestamptz NOT NULL DEFAULT now(),
    text            text NOT NULL DEFAULT '',
    text_state      text NOT NULL DEFAULT 'afventer'
                        CHECK (text_state IN ('afventer', 'klar', 'ingen')),
    rendition       text NOT NULL DEFAULT 'ingen'
                        CHECK (rendition IN ('ingen', 'afventer', 'klar', 'fejlet')),
    version         integer NOT NULL DEFAULT 1,
    tsv             tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('danish'::regconfig, title), 'A')
                        || to_tsvector('danish'::regconfig, text)) STORED,
    CHECK (state = 'afventer' OR size IS NOT NULL),
    CHECK ((handled_at IS NULL) = (handled_by IS NULL))
);
CREATE INDEX document_case ON document (hovedsag_id, dated DESC, added_at DESC)
    WHERE state = 'klar';
-- Search across the kommune lists newest first: a common word walks this index, a rare
-- one is found through the GIN index and sorted.
CREATE INDEX document_newest ON document (dated DESC, added_at DESC, id) WHERE state = 'klar';
CREATE INDEX document_tsv ON document USING gin (tsv) WHERE state = 'klar';
CREATE INDEX document_incoming ON document (hovedsag_id, added_at)
    WHERE incoming AND handled_at IS NULL AND state = 'klar';
CREATE INDEX document_unfinished ON document (added_at) WHERE state = 'afventer';
GRANT SELECT, INSERT, UPDATE, DELETE ON document TO {{tenant_role}};

-- The bytes: stream 'original' (the file as uploaded) and 'rendition' (the PDF for viewing).
-- Stored uncompressed (EXTERNAL): most files are compressed already.
CREATE TABLE document_chunk (
    document_id uuid NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    stream      text NOT NULL DEFAULT 'original' CHECK (stream IN ('original', 'rendition')),
    seq         integer NOT NULL CHECK (seq >= 0),
    bytes       bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 1048576),
    PRIMARY KEY (document_id, stream, seq)
);
ALTER TABLE document_chunk ALTER COLUMN bytes SET STORAGE EXTERNAL;
GRANT SELECT, INSERT, DELETE ON document_chunk TO {{tenant_role}};
