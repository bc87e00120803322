-- Widget configurations with an id a snippet can carry (issue 13; seed 003's
-- widget_configurations and `embed/widget.js?id=`): a tenant has several, each a look, texts per
-- language, features and the sites it may run on. The tenant's own defaults stay in
-- widget_configurations (one row per tenant, from the tenants file); a widget's settings win over them.
CREATE TABLE widgets (
  -- Public: `w_` + 16 characters, in the snippet (`?id=`) and in `Bearer widget:<id>`.
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  -- themeColor, position, width, height, headerText, welcomeMessage, awayMessage,
  -- texts { <lang>: { headerText, welcomeMessage, awayMessage } }, features { attachments, emoji,
  -- preChatFields, voice, assistant, sound }: validated by routes/embed.js, read as a whole.
  settings        JSONB NOT NULL DEFAULT '{}',
  -- Origin patterns (origins.js); empty: the tenant's allowed origins.
  allowed_domains TEXT[] NOT NULL DEFAULT '{}',
  is_active       BOOLEAN NOT NULL DEFAULT TRUE,
  -- Bumped by every change: the ETag of GET /embed/config/:id.
  version         INTEGER NOT NULL DEFAULT 1,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX widgets_organization ON widgets (organization_id);
