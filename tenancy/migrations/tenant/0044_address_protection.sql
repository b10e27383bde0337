-- Address protection (adressebeskyttelse, CPR "adressebeskyttelse"), issue 20 item 2.
-- The flag is the CPR register's, refreshed at each lookup (SF1520). A protected person's
-- address is never stored: the database refuses a protected child with an address, and a
-- parent from the register (whose ``note`` holds the register's address) with one.
ALTER TABLE child ADD COLUMN address_protected boolean NOT NULL DEFAULT false;
ALTER TABLE child ADD CONSTRAINT child_protected_no_address
    CHECK (NOT address_protected OR address = '');

ALTER TABLE network_member ADD COLUMN address_protected boolean NOT NULL DEFAULT false;
ALTER TABLE network_member ADD CONSTRAINT member_protected_no_address
    CHECK (NOT address_protected OR source <> 'cpr' OR note IS NULL);

-- A delivery to a protected person goes by Digital Post only: never to print.
ALTER TABLE delivery ADD COLUMN address_protected boolean NOT NULL DEFAULT false;
ALTER TABLE delivery ADD CONSTRAINT delivery_protected_not_printed
    CHECK (NOT address_protected OR (channel <> 'print' AND recipient_address = ''));
