// <amoiq-chat> in templates: Vue's GlobalComponents (props and events), checked with strictTemplates.
import type {} from 'amoiq-chat/types/vue';

declare global {
  interface Window {
    amoiqLog: string[];
  }
}
