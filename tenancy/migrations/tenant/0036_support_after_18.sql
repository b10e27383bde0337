-- Support after 18 (ungestøtte, Barnets Lov §§ 113-116; issue 17 item 4): decisions and
-- measures under "114" beside §§ 32, 46, 47; a measure's planned end (ungestøtte ends no
-- later than the day before the 23rd birthday); and the § 111 step ("overgang") linking
-- the decision on support after 18, or recording why there is none.
ALTER TABLE enkeltsag DROP CONSTRAINT enkeltsag_paragraph_check;
ALTER TABLE enkeltsag ADD CONSTRAINT enkeltsag_paragraph_check
    CHECK (paragraph IN ('32', '46', '47', '114'));
ALTER TABLE afgoerelse DROP CONSTRAINT afgoerelse_paragraph_check;
ALTER TABLE afgoerelse ADD CONSTRAINT afgoerelse_paragraph_check
    CHECK (paragraph IN ('32', '46', '47', '114'));
ALTER TABLE indsats DROP CONSTRAINT indsats_paragraph_check;
ALTER TABLE indsats ADD CONSTRAINT indsats_paragraph_check
    CHECK (paragraph IN ('32', '46', '47', '114'));
ALTER TABLE visitation_draft DROP CONSTRAINT visitation_draft_paragraph_check;
ALTER TABLE visitation_draft ADD CONSTRAINT visitation_draft_paragraph_check
    CHECK (paragraph IN ('32', '46', '47', '114'));

-- The last day the measure is granted for (NULL: until further notice). Not its end:
-- ``ends_on`` stays the day it actually ended.
ALTER TABLE indsats ADD COLUMN planned_end date;
ALTER TABLE indsats ADD CONSTRAINT indsats_planned_end_check
    CHECK (planned_end IS NULL OR planned_end >= starts_on);

-- The § 111 step: the decision on support after 18 it points to, or why there is none.
ALTER TABLE case_step ADD COLUMN afgoerelse_id uuid REFERENCES afgoerelse (id);
ALTER TABLE case_step ADD COLUMN no_support text
    CHECK (no_support IN ('afslaar', 'ikke_omfattet'));
ALTER TABLE case_step ADD CONSTRAINT case_step_support_check
    CHECK (afgoerelse_id IS NULL OR no_support IS NULL);
CREATE INDEX case_step_afgoerelse ON case_step (afgoerelse_id) WHERE afgoerelse_id IS NOT NULL;
