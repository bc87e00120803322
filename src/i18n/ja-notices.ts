import type { NoticeStrings } from './en-notices.js';

/** Japanese system notices. */
export const jaNotices: NoticeStrings = {
  escalatedByVisitor: (reason) => (reason ? `担当者との会話をリクエストしました: ${reason}` : '担当者との会話をリクエストしました。'),
  escalatedByAssistant: (why) =>
    why ? `アシスタントが担当者への引き継ぎを依頼しました（${why}）。` : 'アシスタントが担当者への引き継ぎを依頼しました。',
  escalatedByAgent: (reason) => (reason ? `会話はチームに引き継がれました: ${reason}` : '会話はチームに引き継がれました。'),
  handoffReasons: {
    requested: '担当者をリクエストされたため',
    low_confidence: '回答に自信がなかったため',
    unhelpful: '回答が役に立たなかったため',
    provider_error: '回答できなかったため',
  },
  assigned: (name) => (name ? `${name}さんが会話に参加しました。` : '担当者が会話に参加しました。'),
  transferred: (name) => (name ? `会話は${name}さんに引き継がれました。` : '会話はチームの別の担当者に引き継がれました。'),
  returned: (name) => (name ? `${name}さんが会話をアシスタントに戻しました。` : 'アシスタントが再び回答しています。'),
  callCalling: (to) => (to ? `${to} に発信中…` : 'お電話しています…'),
  callVisitorCalling: 'チームに発信中…',
  callTeamCalling: 'チームから着信中…',
  callConnected: '通話がつながりました。',
  callEnded: (duration) => `通話終了（${duration}）。`,
  callCancelled: '通話はキャンセルされました。',
  callFailed: (why) => (why ? `通話に失敗しました: ${why}。` : '通話に失敗しました。'),
  callFailReasons: {
    busy: '話し中でした',
    no_answer: '応答がありませんでした',
    invalid_number: 'この番号には発信できません',
    rate_limited: '電話サービスが混み合っています',
    timeout: '電話サービスが応答しませんでした',
    declined: '拒否されました',
  },
  callSimulated: (text) => `模擬通話: ${text}`,
};
