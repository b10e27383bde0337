-- Issue 19: every foreign key in a kommune's schema has an index that leads with its
-- columns (tests/tenancy/test_foreign_key_indexes.py keeps it so). Without one, a read that
-- joins by it scans the whole table (the case page joined underretning to its enkeltsager:
-- a sequential scan of every notification of the kommune, per case page), and deleting a
-- parent row (retention deletes cases) scans the child table once per deleted row to check
-- the key. A nullable key gets a partial index (WHERE … IS NOT NULL): smaller, and still
-- used by a lookup by value and by PostgreSQL's own key checks (an equality implies NOT NULL).
CREATE INDEX activity_enkeltsag_id_fk ON activity (enkeltsag_id) WHERE enkeltsag_id IS NOT NULL;
CREATE INDEX afgoerelse_enkeltsag_id_fk ON afgoerelse (enkeltsag_id);
CREATE INDEX ankestyrelsen_report_indsats_id_fk ON ankestyrelsen_report (indsats_id) WHERE indsats_id IS NOT NULL;
CREATE INDEX archive_version_created_by_fk ON archive_version (created_by);
CREATE INDEX bevilling_afgoerelse_id_fk ON bevilling (afgoerelse_id) WHERE afgoerelse_id IS NOT NULL;
CREATE INDEX bevilling_draft_line_id_fk ON bevilling (draft_line_id) WHERE draft_line_id IS NOT NULL;
CREATE INDEX bevilling_price_restored_from_id_fk ON bevilling_price (restored_from_id) WHERE restored_from_id IS NOT NULL;
CREATE INDEX case_access_hovedsag_id_fk ON case_access (hovedsag_id);
CREATE INDEX case_step_enkeltsag_id_fk ON case_step (enkeltsag_id) WHERE enkeltsag_id IS NOT NULL;
CREATE INDEX case_step_indsats_id_fk ON case_step (indsats_id) WHERE indsats_id IS NOT NULL;
CREATE INDEX contact_decision_network_member_id_fk ON contact_decision (network_member_id) WHERE network_member_id IS NOT NULL;
CREATE INDEX delivery_post_letter_id_fk ON delivery (post_letter_id);
CREATE INDEX document_added_by_fk ON document (added_by) WHERE added_by IS NOT NULL;
CREATE INDEX document_enkeltsag_id_fk ON document (enkeltsag_id) WHERE enkeltsag_id IS NOT NULL;
CREATE INDEX hovedsag_team_id_fk ON hovedsag (team_id) WHERE team_id IS NOT NULL;
CREATE INDEX ics_document_based_on_id_fk ON ics_document (based_on_id) WHERE based_on_id IS NOT NULL;
CREATE INDEX ics_document_enkeltsag_id_fk ON ics_document (enkeltsag_id) WHERE enkeltsag_id IS NOT NULL;
CREATE INDEX idempotency_key_user_id_fk ON idempotency_key (user_id);
CREATE INDEX inbound_post_delivery_id_fk ON inbound_post (delivery_id);
CREATE INDEX indsats_afgoerelse_id_fk ON indsats (afgoerelse_id) WHERE afgoerelse_id IS NOT NULL;
CREATE INDEX indsats_enkeltsag_id_fk ON indsats (enkeltsag_id);
CREATE INDEX indstilling_enkeltsag_id_fk ON indstilling (enkeltsag_id);
CREATE INDEX indstilling_tilbud_hovedsag_id_fk ON indstilling_tilbud (hovedsag_id);
CREATE INDEX journal_entry_enkeltsag_id_fk ON journal_entry (enkeltsag_id) WHERE enkeltsag_id IS NOT NULL;
CREATE INDEX klage_afgoerelse_id_fk ON klage (afgoerelse_id);
CREATE INDEX klage_answer_document_id_fk ON klage (answer_document_id) WHERE answer_document_id IS NOT NULL;
CREATE INDEX klage_complaint_document_id_fk ON klage (complaint_document_id) WHERE complaint_document_id IS NOT NULL;
CREATE INDEX klage_package_document_id_fk ON klage (package_document_id) WHERE package_document_id IS NOT NULL;
CREATE INDEX kommune_settings_transfer_team_id_fk ON kommune_settings (transfer_team_id) WHERE transfer_team_id IS NOT NULL;
CREATE INDEX letter_afgoerelse_id_fk ON letter (afgoerelse_id) WHERE afgoerelse_id IS NOT NULL;
CREATE INDEX letter_created_by_fk ON letter (created_by);
CREATE INDEX letter_template_id_template_version_fk ON letter (template_id, template_version);
CREATE INDEX letter_underretning_id_fk ON letter (underretning_id) WHERE underretning_id IS NOT NULL;
CREATE INDEX network_member_sibling_child_id_fk ON network_member (sibling_child_id) WHERE sibling_child_id IS NOT NULL;
CREATE INDEX offer_price_restored_from_id_fk ON offer_price (restored_from_id) WHERE restored_from_id IS NOT NULL;
CREATE INDEX offline_choice_hovedsag_id_fk ON offline_choice (hovedsag_id);
CREATE INDEX payment_export_id_fk ON payment (export_id) WHERE export_id IS NOT NULL;
CREATE INDEX security_alert_user_id_fk ON security_alert (user_id);
CREATE INDEX transfer_inbox_hovedsag_id_fk ON transfer_inbox (hovedsag_id) WHERE hovedsag_id IS NOT NULL;
CREATE INDEX transfer_inbox_team_id_fk ON transfer_inbox (team_id) WHERE team_id IS NOT NULL;
CREATE INDEX underretning_enkeltsag_id_fk ON underretning (enkeltsag_id);
CREATE INDEX visitation_draft_afgoerelse_id_fk ON visitation_draft (afgoerelse_id) WHERE afgoerelse_id IS NOT NULL;
CREATE INDEX visitation_line_offer_id_fk ON visitation_line (offer_id);
