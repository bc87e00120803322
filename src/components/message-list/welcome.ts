/**
 * The first row of the conversation (the empty panel's content): who answers — the online agents'
 * avatars, the team's name, its typical reply time (session `config.team`) — and the welcome
 * message as the team's greeting.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { TeamInfo } from '../../protocol/v1.js';
import { styleProps } from '../../styles/style-props.js';
import type { RowContext } from './row-context.js';
import { avatarHue, initials, type Row } from './rows.js';

/** The welcome row: the team card (when the tenant describes its team), then the greeting. */
export function renderWelcome(row: Extract<Row, { kind: 'welcome' }>, ctx: RowContext): TemplateResult {
  return html`<div class="row first last" data-key=${row.key} role="article" tabindex="-1" aria-posinset=${row.pos}>
    ${ctx.team ? renderTeam(ctx.team, ctx) : nothing}
    <div part="message" class="message welcome"><div part="bubble" class="bubble greeting" dir="auto">${row.text}</div></div>
  </div>`;
}

function renderTeam(team: TeamInfo, ctx: RowContext): TemplateResult | typeof nothing {
  const agents = team.agents?.slice(0, 3) ?? [];
  const replyTime = team.replyTime ? ctx.strings.replyTimes[team.replyTime] : '';
  if (!agents.length && !team.name && !replyTime) return nothing;
  const names = agents.map((a) => a.name);
  const list = names.length ? new Intl.ListFormat(ctx.locale, { type: 'conjunction' }).format(names) : '';
  return html`<div part="team" class="team">
    ${
      agents.length
        ? html`<div part="team-avatars" class="team-avatars" role="img" aria-label=${ctx.strings.teamOnline(list)}>
            ${agents.map((a) =>
              a.avatar
                ? html`<img class="team-avatar" src=${a.avatar} alt="" referrerpolicy="no-referrer" />`
                : html`<span class="team-avatar" style=${styleProps({ '--avatar-hue': String(avatarHue(a.name)) })}>${initials(a.name)}</span>`,
            )}
          </div>`
        : nothing
    }
    ${team.name ? html`<p part="team-name" class="team-name" dir="auto">${team.name}</p>` : nothing}
    ${replyTime ? html`<p part="reply-time" class="reply-time">${replyTime}</p>` : nothing}
  </div>`;
}
