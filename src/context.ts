import { createContext } from '@lit/context';
import type { ChatService } from './services/chat-service.js';

/**
 * The chat service of the nearest `<amoiq-chat>`, provided to its subcomponents. Consumers
 * subscribe, because the root replaces the service when its gateway, key or tenant change.
 */
export const chatServiceContext = createContext<ChatService | undefined>(Symbol('amoiq-chat-service'));
