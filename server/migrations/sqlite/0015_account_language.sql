-- The language each person last chose in the app (issue 15), so that it follows them to every
-- device: 'en' or 'zh', NULL until they choose (the browser's language is used then).
ALTER TABLE accounts ADD COLUMN language TEXT;
