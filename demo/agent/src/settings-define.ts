// Registers the settings page's elements (imported by agent-app.ts; explicit, as main.ts does).
import { AmoiqAgentSettings } from './settings-page.js';

if (!customElements.get('amoiq-agent-settings')) customElements.define('amoiq-agent-settings', AmoiqAgentSettings);
