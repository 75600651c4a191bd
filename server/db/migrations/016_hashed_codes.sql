-- Invitation codes are kept only as their SHA-256, in hex (server/auth/codeHash.ts): a copy of
-- the database no longer hands out working invite links.

-- The message of an invitation carries its link, so its outbox row keeps the code in clear
-- while the message may still be sent (pending, sending, or dead and waiting for a retry). It
-- is forgotten once the message is delivered or cancelled, and once an email is handed to the
-- mail server (email has no later delivery report; SMS and WhatsApp may still fail after
-- "sent" and be retried). Messages still to send keep the codes they were made with.
ALTER TABLE deliveries ADD COLUMN invite_code text;
UPDATE deliveries d SET invite_code = i.invite_code
  FROM invitations i
 WHERE i.id = d.invitation_id AND i.invite_code IS NOT NULL AND d.state IN ('pending', 'sending', 'dead');

CREATE FUNCTION deliveries_forget_code() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.invite_code IS NOT NULL
     AND (NEW.state IN ('delivered', 'cancelled') OR (NEW.state = 'sent' AND NEW.channel = 'email')) THEN
    NEW.invite_code := NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER deliveries_forget_code BEFORE UPDATE ON deliveries
  FOR EACH ROW EXECUTE FUNCTION deliveries_forget_code();

-- Hashed in place, so the columns, their unique indexes (the lookups by code) and the code
-- that clears them (privacy) stay as they are; a CHECK refuses anything but a hash, so a plain
-- code can never be written there again.
UPDATE invitations
   SET invite_code = CASE WHEN invite_code IS NULL THEN NULL ELSE encode(sha256(convert_to(invite_code, 'UTF8')), 'hex') END,
       short_code = CASE WHEN short_code IS NULL THEN NULL ELSE encode(sha256(convert_to(short_code, 'UTF8')), 'hex') END
 WHERE invite_code IS NOT NULL OR short_code IS NOT NULL;
ALTER TABLE invitations ADD CONSTRAINT invitations_invite_code_hashed CHECK (invite_code ~ '^[0-9a-f]{64}$');
ALTER TABLE invitations ADD CONSTRAINT invitations_short_code_hashed CHECK (short_code ~ '^[0-9a-f]{64}$');
COMMENT ON COLUMN invitations.invite_code IS 'SHA-256 (hex) of the invite link code; the code itself lives on the inviting device (and in the outbox until sent)';
COMMENT ON COLUMN invitations.short_code IS 'SHA-256 (hex) of the short code';
