import type { Strings } from './en.js';

/** Japanese strings, loaded on demand. Japanese has a single plural form. */
const ja: Strings = {
  headerText: 'チャットでお問い合わせ',
  openChat: 'チャットを開く',
  openChatUnread: { other: 'チャットを開く、未読メッセージ #件' },
  closeChat: 'チャットを閉じる',
  newMessagesTitle: { other: '(#) 新着メッセージ' },
  conversation: '会話',
  messageLabel: 'メッセージ',
  placeholder: 'メッセージを入力…',
  send: '送信',
  charactersLeft: { other: '残り#文字' },
  retry: '再送信',
  you: 'あなた',
  agent: '担当者',
  assistant: 'アシスタント',
  system: 'システム',
  pending: '送信中…',
  sent: '送信済み',
  failed: '未送信',
  online: 'オンライン',
  connecting: '接続中…',
  offline: 'オフライン – メッセージは後で送信されます',
  idle: '未接続',
  viaWebsocket: 'ライブ接続 (WebSocket)',
  viaHttp: '代替接続 (HTTP)',
  typing: (name) => `${name}さんが入力中…`,
  voiceUnavailable: '音声通話はまだご利用いただけません。',
  delivered: '配信済み',
  read: '既読',
  loadingOlder: '以前のメッセージを読み込み中…',
  newMessages: { other: '新着メッセージ #件' },
  newMessagesJump: { other: '新着メッセージ #件、最新へ移動' },
  quickReplies: '返信の候補',
  aiMark: 'AI',
  welcome: 'ようこそ',
  // [attachments]
  // [/attachments]
  // [lifecycle]
  // [/lifecycle]
  // [emoji]
  // [/emoji]
};
export default ja;
