// Entry of the agent console, and its only side effect: defining the elements. Explicit (not
// @customElement) because the root package.json marks only dist/ files as side-effectful, so a
// bundler would drop a module whose only job is to register a tag.
import { AmoiqAgentApp } from './agent-app.js';
import { AmoiqAudioPlayer } from '../../../src/components/audio-player/audio-player.js';
import { AmoiqAgentCall } from './call-panel.js';
import { AmoiqAgentConversation } from './conversation-view.js';
import { AmoiqAgentVisitor } from './visitor-panel.js';

const elements: Array<[string, CustomElementConstructor]> = [
  ['amoiq-agent-app', AmoiqAgentApp],
  ['amoiq-agent-conversation', AmoiqAgentConversation],
  ['amoiq-agent-call', AmoiqAgentCall],
  ['amoiq-agent-visitor', AmoiqAgentVisitor],
  ['amoiq-audio-player', AmoiqAudioPlayer],
];
for (const [tag, element] of elements) if (!customElements.get(tag)) customElements.define(tag, element);
