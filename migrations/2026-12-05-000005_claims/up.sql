-- The paragraphs of a synthesis revision that make claims (running text, lists, quotes; not
-- headings, code or rules), computed when it is rendered, so support counts are queries.
ALTER TABLE revisions ADD COLUMN claim_paragraphs INTEGER[];
