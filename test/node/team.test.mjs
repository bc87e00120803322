// @ts-check
/** The session's `config.team` and `config.texts` from the tenants file (demo/server/team.js), and the hub's online agent names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TeamDirectory, parseTeamExtras } from '../../demo/server/team.js';
import { Hub } from '../../demo/server/hub.js';

test('team and texts from the tenants file go into the session config, with the online agents', () => {
  const team = new TeamDirectory();
  team.setTenants([
    { id: 'demo', widget: { team: { name: 'The demo team', replyTime: 'minutes' }, texts: { ar: { headerText: 'تحدث معنا' } } } },
    { id: 'bare', widget: {} },
  ]);
  assert.deepEqual(team.configFor('demo', ['Ada (demo agent)']), {
    texts: { ar: { headerText: 'تحدث معنا' } },
    team: { name: 'The demo team', replyTime: 'minutes', agents: [{ name: 'Ada (demo agent)' }] },
  });
  assert.deepEqual(team.configFor('bare', []), {});
  assert.deepEqual(team.configFor('bare', ['Ben']), { team: { agents: [{ name: 'Ben' }] } });
  assert.equal(team.configFor('demo', ['a', 'b', 'c', 'd', 'e', 'f']).team?.agents?.length, 5);
});

test('a malformed widget.team or widget.texts is refused, naming the tenant', () => {
  assert.throws(() => parseTeamExtras('demo', { team: { replyTime: 'weeks' } }), /tenant "demo": widget.team.replyTime/);
  assert.throws(() => parseTeamExtras('demo', { texts: { 'not a tag': {} } }), /tenant "demo": widget.texts: "not a tag"/);
  assert.throws(() => parseTeamExtras('demo', { texts: { fr: { headerText: 5 } } }), /widget.texts.fr.headerText/);
  assert.throws(() => parseTeamExtras('demo', { texts: [] }), /widget.texts must be an object/);
});

test('the hub lists the names of connected agents once each, until their last socket closes', () => {
  const hub = new Hub();
  const a1 = hub.agentConnected('t', 'Ada');
  const a2 = hub.agentConnected('t', 'Ada');
  const b = hub.agentConnected('t', 'Ben');
  assert.deepEqual(hub.onlineAgentNames('t'), ['Ada', 'Ben']);
  a1();
  assert.deepEqual(hub.onlineAgentNames('t'), ['Ada', 'Ben']);
  a2();
  b();
  b();
  assert.deepEqual(hub.onlineAgentNames('t'), []);
  assert.equal(hub.agentsOnline('t'), false);
});
