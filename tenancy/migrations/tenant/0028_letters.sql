-- Letters (issue 15 item 3-4, backend/letters): the kommune's letter templates with their
-- versions, the letters written on a case (drafts and sent ones), and the kommune's
-- letterhead. A sent letter keeps the template version it was written from. Merge fields
-- are written `{{ barn.navn }}` (always with spaces: the migration runner's own
-- placeholders are the same braces without spaces); the vocabulary is backend/letters/fields.py.

CREATE TABLE letter_template (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- A template Trekant ships (NULL for the kommune's own).
    standard_key    text UNIQUE,
    purpose         text NOT NULL CHECK (purpose IN ('kvittering', 'partshoering',
                        'boernesamtale', 'orientering', 'afgoerelse_bevilling',
                        'afgoerelse_afslag', 'overfoersel', 'andet')),
    current_version integer NOT NULL DEFAULT 1,
    retired_at      timestamptz,
    retired_by      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    changed_by      text,
    changed_at      timestamptz NOT NULL DEFAULT now(),
    version         integer NOT NULL DEFAULT 1
);
GRANT SELECT, INSERT, UPDATE ON letter_template TO {{tenant_role}};

CREATE TABLE letter_template_version (
    template_id uuid NOT NULL REFERENCES letter_template (id),
    version     integer NOT NULL,
    title       text NOT NULL CHECK (length(btrim(title)) > 0),
    body        text NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (template_id, version)
);
GRANT SELECT, INSERT ON letter_template_version TO {{tenant_role}};

CREATE TABLE letter (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id      uuid NOT NULL REFERENCES hovedsag (id),
    template_id      uuid NOT NULL,
    template_version integer NOT NULL,
    purpose          text NOT NULL,
    title            text NOT NULL CHECK (length(btrim(title)) > 0),
    body             text NOT NULL DEFAULT '',
    -- [{name, role, cpr?, email?, address, member_id?}]
    recipients       jsonb NOT NULL DEFAULT '[]',
    underretning_id  uuid REFERENCES underretning (id),
    afgoerelse_id    uuid REFERENCES afgoerelse (id),
    answer_by        date,
    status           text NOT NULL DEFAULT 'kladde' CHECK (status IN ('kladde', 'sendt')),
    document_id      uuid,
    created_by       uuid NOT NULL REFERENCES app_user (id),
    created_by_name  text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    changed_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    sent_by          text,
    version          integer NOT NULL DEFAULT 1,
    FOREIGN KEY (template_id, template_version)
        REFERENCES letter_template_version (template_id, version),
    CHECK ((status = 'sendt') = (sent_at IS NOT NULL))
);
CREATE INDEX letter_case ON letter (hovedsag_id, created_at DESC);
GRANT SELECT, INSERT, UPDATE ON letter TO {{tenant_role}};

-- One row: the kommune's letterhead (its name comes from the registry).
CREATE TABLE letterhead (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    address text NOT NULL DEFAULT '',
    phone   text NOT NULL DEFAULT '',
    email   text NOT NULL DEFAULT '',
    web     text NOT NULL DEFAULT ''
);
INSERT INTO letterhead DEFAULT VALUES;
GRANT SELECT, UPDATE ON letterhead TO {{tenant_role}};

-- When a decision was notified to the parties (the sent afgørelse letter): the 4-week
-- complaint period runs from it. Written by backend/casework/lifecycle.py.
ALTER TABLE afgoerelse ADD COLUMN notified_on date;
GRANT UPDATE (notified_on) ON afgoerelse TO {{tenant_role}};

-- The standard templates every kommune starts with (the administrator edits them as new
-- versions, or retires them).
CREATE FUNCTION pg_temp.standard_template(key text, purpose text, title text, body text)
RETURNS void LANGUAGE sql AS $f$
    WITH t AS (
        INSERT INTO letter_template (standard_key, purpose, changed_by)
        VALUES (key, purpose, 'Trekant') RETURNING id
    )
    INSERT INTO letter_template_version (template_id, version, title, body, created_by)
    SELECT id, 1, title, body, 'Trekant' FROM t;
$f$;

SELECT pg_temp.standard_template('kvittering-fagperson', 'kvittering',
'Kvittering for modtaget underretning',
$t$<p>Kære {{ modtager.navn }}</p>
<p>Tak for din underretning om {{ barn.navn }}, født {{ barn.foedselsdato }}, som {{ kommune.navn }} modtog den {{ underretning.modtaget }}.</p>
<p>Vi bekræfter hermed, at vi har modtaget underretningen. Kommunen skal efter barnets lov bekræfte modtagelsen over for en fagperson, der har underrettet, inden 6 hverdage.</p>
<p>Vi vurderer nu underretningen og tager stilling til, om der er behov for at gøre noget. Som fagperson kan du inden for 3 måneder efter, at du har underrettet, få at vide, om kommunen har iværksat en undersøgelse eller en indsats, eller om underretningen ikke har givet anledning til at gøre noget, hvis du fortsat har en faglig relation til barnet.</p>
<p>Har du spørgsmål, er du velkommen til at kontakte mig.</p>
<p>Med venlig hilsen</p>
<p>{{ sagsbehandler.navn }}<br>{{ kommune.navn }}<br>{{ sagsbehandler.email }}</p>$t$);

SELECT pg_temp.standard_template('partshoering', 'partshoering',
'Partshøring',
$t$<p>Kære {{ modtager.navn }}</p>
<p>{{ kommune.navn }} overvejer at træffe afgørelse i sagen om {{ barn.navn }}, født {{ barn.foedselsdato }}. Før vi træffer afgørelsen, vil vi give dig mulighed for at komme med dine bemærkninger til de oplysninger, vi vil lægge vægt på.</p>
<h2>Hvad vi overvejer</h2>
<p>[Beskriv den afgørelse, kommunen overvejer at træffe.]</p>
<h2>De oplysninger, vi lægger vægt på</h2>
<p>[Gengiv de oplysninger og vurderinger, afgørelsen vil bygge på.]</p>
<h2>Frist for bemærkninger</h2>
<p>Vi vil gerne have dine bemærkninger senest den {{ frist }}. Du kan svare skriftligt eller ringe og aftale en samtale. Hører vi ikke fra dig inden fristen, træffer vi afgørelsen på det grundlag, vi har.</p>
<p>Partshøringen sker efter forvaltningslovens § 19. Du har ret til at se sagens dokumenter (aktindsigt efter forvaltningslovens § 9) og til at lade dig bistå eller repræsentere af en anden (forvaltningslovens § 8).</p>
<p>Med venlig hilsen</p>
<p>{{ sagsbehandler.navn }}<br>{{ kommune.navn }}<br>{{ sagsbehandler.email }}</p>$t$);

SELECT pg_temp.standard_template('boernesamtale', 'boernesamtale',
'Indkaldelse til børnesamtale',
$t$<p>Kære {{ modtager.navn }}</p>
<p>Som led i sagen om {{ barn.navn }} vil vi gerne tale med {{ barn.navn }}. Efter barnets lov skal kommunen tale med barnet, før der træffes afgørelse, så barnets egne synspunkter og ønsker kan indgå i sagen.</p>
<p>Vi foreslår, at samtalen holdes den {{ frist }}. Passer tidspunktet ikke, så kontakt mig, så finder vi et andet.</p>
<p>{{ barn.navn }} må gerne have en bisidder med til samtalen. Samtalen kan holdes et sted, hvor barnet føler sig tryg.</p>
<p>Med venlig hilsen</p>
<p>{{ sagsbehandler.navn }}<br>{{ kommune.navn }}<br>{{ sagsbehandler.email }}</p>$t$);

SELECT pg_temp.standard_template('orientering-underretning', 'orientering',
'Orientering om modtaget underretning',
$t$<p>Kære {{ modtager.navn }}</p>
<p>Vi skriver for at orientere dig om, at {{ kommune.navn }} den {{ underretning.modtaget }} har modtaget en underretning om {{ barn.navn }}, født {{ barn.foedselsdato }}.</p>
<p>Når kommunen modtager en underretning, skal vi vurdere, om barnet har brug for støtte. Vi vil gerne tale med dig om underretningen og om, hvordan det går med {{ barn.navn }}.</p>
<p>Du har ret til at se sagens dokumenter (aktindsigt efter forvaltningslovens § 9) og til at lade dig bistå af en anden under sagen.</p>
<p>Kontakt mig gerne, så vi kan aftale et møde.</p>
<p>Med venlig hilsen</p>
<p>{{ sagsbehandler.navn }}<br>{{ kommune.navn }}<br>{{ sagsbehandler.email }}</p>$t$);

SELECT pg_temp.standard_template('afgoerelse-bevilling', 'afgoerelse_bevilling',
'Afgørelse om støtte',
$t$<p>Kære {{ modtager.navn }}</p>
<p>{{ kommune.navn }} har den {{ afgoerelse.dato }} truffet afgørelse i sagen om {{ barn.navn }}, født {{ barn.foedselsdato }}.</p>
<h2>Afgørelse</h2>
<p>Du får bevilget: {{ afgoerelse.indsats }}.</p>
<h2>Lovgrundlag</h2>
<p>Afgørelsen er truffet efter {{ afgoerelse.lovgrundlag }}.</p>
<h2>Begrundelse</h2>
<p>{{ afgoerelse.begrundelse }}</p>
<h2>Klagevejledning</h2>
<p>Du kan klage over afgørelsen. Klagen skal være modtaget af {{ kommune.navn }} senest 4 uger efter, at du har modtaget denne afgørelse. Du kan klage skriftligt eller mundtligt til mig.</p>
<p>Når vi modtager din klage, vurderer vi afgørelsen igen. Giver vi dig ikke helt medhold, sender vi klagen videre til Ankestyrelsen inden 4 uger, og du får besked om det. Klagen har ikke opsættende virkning.</p>
<p>Med venlig hilsen</p>
<p>{{ sagsbehandler.navn }}<br>{{ kommune.navn }}<br>{{ sagsbehandler.email }}</p>$t$);

SELECT pg_temp.standard_template('afgoerelse-afslag', 'afgoerelse_afslag',
'Afgørelse om afslag',
$t$<p>Kære {{ modtager.navn }}</p>
<p>{{ kommune.navn }} har den {{ afgoerelse.dato }} truffet afgørelse i sagen om {{ barn.navn }}, født {{ barn.foedselsdato }}.</p>
<h2>Afgørelse</h2>
<p>Du får afslag på: {{ afgoerelse.indsats }}.</p>
<h2>Lovgrundlag</h2>
<p>Afgørelsen er truffet efter {{ afgoerelse.lovgrundlag }}.</p>
<h2>Begrundelse</h2>
<p>{{ afgoerelse.begrundelse }}</p>
<h2>Klagevejledning</h2>
<p>Du kan klage over afgørelsen. Klagen skal være modtaget af {{ kommune.navn }} senest 4 uger efter, at du har modtaget denne afgørelse. Du kan klage skriftligt eller mundtligt til mig.</p>
<p>Når vi modtager din klage, vurderer vi afgørelsen igen. Giver vi dig ikke helt medhold, sender vi klagen videre til Ankestyrelsen inden 4 uger, og du får besked om det.</p>
<p>Med venlig hilsen</p>
<p>{{ sagsbehandler.navn }}<br>{{ kommune.navn }}<br>{{ sagsbehandler.email }}</p>$t$);

SELECT pg_temp.standard_template('overfoersel', 'overfoersel',
'Din sag er overført til en ny kommune',
$t$<p>Kære {{ modtager.navn }}</p>
<p>Fordi I er flyttet, har {{ kommune.navn }} overført sagen om {{ barn.navn }}, født {{ barn.foedselsdato }}, til jeres nye bopælskommune. Efter barnets lov § 132 skal den kommune, familien flytter fra, give den nye kommune besked og sende de oplysninger, der er nødvendige for at fortsætte sagen.</p>
<p>Den nye kommune overtager sagen og kontakter jer. Indtil da gælder de afgørelser, der er truffet i sagen.</p>
<p>Med venlig hilsen</p>
<p>{{ sagsbehandler.navn }}<br>{{ kommune.navn }}<br>{{ sagsbehandler.email }}</p>$t$);
