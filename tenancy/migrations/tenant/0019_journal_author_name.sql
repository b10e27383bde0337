-- A journal line names its author as a person reads it: the user's name when the entry was
-- written, kept with the entry (the username in `author` stays, for the audit trail). It
-- travels with the entry in a transfer package, so the receiving kommune reads names too.
ALTER TABLE journal_entry ADD COLUMN author_name text;

CREATE FUNCTION journal_author_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.author_name IS NULL THEN
        NEW.author_name := (SELECT u.display_name FROM app_user u WHERE u.username = NEW.author);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER journal_author_name BEFORE INSERT ON journal_entry
    FOR EACH ROW EXECUTE FUNCTION journal_author_name();
