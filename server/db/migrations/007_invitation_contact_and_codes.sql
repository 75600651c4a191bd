-- The growth loop's fields on an invitation: the recipient's phone (SMS, WhatsApp), and the codes
-- the inviting device makes so the invitation works offline: the invite link's code (128 bits)
-- and a short code to read aloud (shared/codes.ts). Both are unique; the pull scope already
-- limits who sees them (the inviter, their organisation, the recipient).
ALTER TABLE invitations ADD COLUMN recipient_phone text;
ALTER TABLE invitations ADD COLUMN invite_code text;
ALTER TABLE invitations ADD COLUMN short_code text;
CREATE UNIQUE INDEX invitations_invite_code ON invitations (invite_code) WHERE invite_code IS NOT NULL;
CREATE UNIQUE INDEX invitations_short_code ON invitations (short_code) WHERE short_code IS NOT NULL;
