-- The decision letter of børne- og ungeudvalget (issue 17 item 1, backend/letters): a new
-- purpose and its standard template. A complaint against the committee's (or its chair's)
-- decision goes to Ankestyrelsen within 4 weeks; the kommune does not reconsider it
-- (docs/deadlines.md says what was confirmed). Kommuner created later run this migration
-- too, so they start with the template as with 0028's.

ALTER TABLE letter_template DROP CONSTRAINT letter_template_purpose_check;
ALTER TABLE letter_template ADD CONSTRAINT letter_template_purpose_check
    CHECK (purpose IN ('kvittering', 'partshoering', 'boernesamtale', 'orientering',
        'afgoerelse_bevilling', 'afgoerelse_afslag', 'afgoerelse_udvalg', 'overfoersel',
        'andet'));

WITH t AS (
    INSERT INTO letter_template (standard_key, purpose, changed_by)
    VALUES ('afgoerelse-udvalg', 'afgoerelse_udvalg', 'Trekant') RETURNING id
)
INSERT INTO letter_template_version (template_id, version, title, body, created_by)
SELECT id, 1, 'Afgørelse fra børne- og ungeudvalget',
$t$<p>Kære {{ modtager.navn }}</p>
{% if afgoerelse.formand %}<p>Formanden for børne- og ungeudvalget i {{ kommune.navn }} har den {{ afgoerelse.dato }} truffet en foreløbig afgørelse i sagen om {{ barn.navn }}, født {{ barn.foedselsdato }}, fordi sagen ikke kunne vente, til udvalget kunne samles.</p>
<p>Børne- og ungeudvalget skal godkende formandens afgørelse hurtigst muligt og senest 7 dage efter, at den er truffet. Godkender udvalget den ikke, bortfalder afgørelsen. Du får besked, når udvalget har behandlet den.</p>{% else %}<p>Børne- og ungeudvalget i {{ kommune.navn }} har på sit møde den {{ afgoerelse.dato }} truffet afgørelse i sagen om {{ barn.navn }}, født {{ barn.foedselsdato }}.</p>{% endif %}
<h2>Afgørelse</h2>
<p>{{ afgoerelse.tekst }}</p>
<h2>Lovgrundlag</h2>
<p>Afgørelsen er truffet efter {{ afgoerelse.lovgrundlag }}.</p>
<h2>Begrundelse</h2>
<p>{{ afgoerelse.begrundelse }}</p>
<h2>Klagevejledning</h2>
<p>Du kan klage over afgørelsen til Ankestyrelsen. Klagen skal være modtaget senest 4 uger efter, at du har modtaget denne afgørelse. Det er forældremyndighedsindehaveren og barnet, når det er fyldt 10 år, der kan klage.</p>
<p>Afgørelsen er truffet af børne- og ungeudvalget{% if afgoerelse.formand %} (udvalgets formand){% endif %}, og derfor behandler kommunen ikke afgørelsen igen: klagen går direkte til Ankestyrelsen. Du kan sende klagen til Ankestyrelsen eller til mig, så sender vi den straks videre. Du kan få hjælp til at klage af din advokat.</p>
<p>En klage har som udgangspunkt ikke opsættende virkning. Det betyder, at afgørelsen gælder, mens Ankestyrelsen behandler klagen.</p>
<p>Med venlig hilsen</p>
<p>{{ sagsbehandler.navn }}<br>{{ kommune.navn }}<br>{{ sagsbehandler.email }}</p>$t$,
'Trekant' FROM t;
