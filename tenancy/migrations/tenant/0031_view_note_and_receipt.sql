-- Why a document cannot be shown in the browser, in Danish, when its conversion for viewing
-- was refused or failed (a TIFF scan or a HEIC photo too large to decode safely, a file
-- that cannot be read): shown on the document instead of the viewer. NULL otherwise.
ALTER TABLE document ADD COLUMN rendition_note text;

-- What Digital Post answered when it took a letter (its receipt's words, Danish), shown with
-- the delivery; NULL for the other channels and before it is sent.
ALTER TABLE delivery ADD COLUMN receipt text;
