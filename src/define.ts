/**
 * Side-effect entry: `import 'amoiq-chat/define'` registers every `amoiq-*` tag (skipping tags
 * already registered).
 */
import { define } from './registry.js';

export { define };

define();
