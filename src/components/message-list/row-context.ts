/** What a row renderer (row-renderers.ts, welcome.ts) needs from the list, besides its row. */
import type { Strings } from '../../i18n/en.js';
import type { ChatMessage } from '../../services/chat-service.js';
import type { Attachment, TeamInfo } from '../../protocol/v1.js';
import type { Block } from './markdown.js';
import type { ListMessage } from './rows.js';

export interface RowContext {
  strings: Strings;
  locale: string;
  /** Markdown blocks of a text (cached by the list). */
  blocks(text: string): Block[];
  /** The quick replies shown under this message, if any. */
  quickReplies(m: ListMessage): readonly string[] | undefined;
  /** The files of a message, once their chunk is loaded (undefined until then). */
  attachments(attachments: readonly Attachment[]): unknown;
  /** Under an assistant message: its sources, feedback buttons, handoff offer (a lazy chunk; undefined until loaded). */
  assistant?(m: ListMessage): unknown;
  /** Keys of the own messages whose "Read" / "Delivered" is shown (older ones keep it for screen readers). */
  latestRead?: string;
  latestDelivered?: string;
  /** The team for the empty panel's greeting (session `config.team`; agents left out while nobody is online). */
  team?: TeamInfo;
  retry(m: ChatMessage): void;
  quickReply(key: string, text: string): void;
}
