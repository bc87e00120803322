// Entry of the agent console, and its only side effect: defining every element of the console,
// here and nowhere else. Explicit (not @customElement, no module that defines a tag when imported)
// because the root package.json marks only dist/ files as side-effectful: a bundler drops a module
// imported for its side effects alone (`import './x.js'`; eslint.config.js forbids those), and the
// console's production build lost its queue, handoff and settings panels that way.
import { AmoiqAgentApp } from './agent-app.js';
import { AmoiqAudioPlayer } from '../../../src/components/audio-player/audio-player.js';
import { AmoiqAgentCall } from './call-panel.js';
import { AmoiqAgentConversation } from './conversation-view.js';
import { AmoiqAgentHandoff, AmoiqAgentQueue } from './queue-panel.js';
import { AmoiqAgentLiveAnswer } from './queue-stream.js';
import { AmoiqAgentSettings } from './settings-page.js';
import { AmoiqAgentWidgetPreview } from './settings-preview.js';
import { AmoiqAgentVisitor } from './visitor-panel.js';

const elements: Array<[string, CustomElementConstructor]> = [
  ['amoiq-agent-app', AmoiqAgentApp],
  ['amoiq-agent-conversation', AmoiqAgentConversation],
  ['amoiq-agent-call', AmoiqAgentCall],
  ['amoiq-agent-visitor', AmoiqAgentVisitor],
  ['amoiq-agent-queue', AmoiqAgentQueue],
  ['amoiq-agent-handoff', AmoiqAgentHandoff],
  ['amoiq-agent-live-answer', AmoiqAgentLiveAnswer],
  ['amoiq-agent-settings', AmoiqAgentSettings],
  ['amoiq-agent-widget-preview', AmoiqAgentWidgetPreview],
  ['amoiq-audio-player', AmoiqAudioPlayer],
];
for (const [tag, element] of elements) if (!customElements.get(tag)) customElements.define(tag, element);
