ALTER TABLE revisions DROP COLUMN claim_paragraphs;
