import type { Strings } from './en.js';

/** Arabic strings (right to left), loaded on demand. Arabic uses all six plural categories. */
const ar: Strings = {
  headerText: 'تحدث معنا',
  openChat: 'فتح المحادثة',
  openChatUnread: {
    zero: 'فتح المحادثة، لا رسائل غير مقروءة',
    one: 'فتح المحادثة، رسالة واحدة غير مقروءة',
    two: 'فتح المحادثة، رسالتان غير مقروءتين',
    few: 'فتح المحادثة، # رسائل غير مقروءة',
    many: 'فتح المحادثة، # رسالة غير مقروءة',
    other: 'فتح المحادثة، # رسالة غير مقروءة',
  },
  closeChat: 'إغلاق المحادثة',
  newMessagesTitle: {
    zero: '(#) لا رسائل جديدة',
    one: '(#) رسالة جديدة',
    two: '(#) رسالتان جديدتان',
    few: '(#) رسائل جديدة',
    many: '(#) رسالة جديدة',
    other: '(#) رسالة جديدة',
  },
  conversation: 'المحادثة',
  messageLabel: 'الرسالة',
  placeholder: 'اكتب رسالة…',
  send: 'إرسال',
  charactersLeft: {
    zero: 'لم يتبق أي حرف',
    one: 'تبقى حرف واحد',
    two: 'تبقى حرفان',
    few: 'تبقى # أحرف',
    many: 'تبقى # حرفًا',
    other: 'تبقى # حرف',
  },
  retry: 'إعادة المحاولة',
  you: 'أنت',
  agent: 'موظف الدعم',
  assistant: 'المساعد',
  system: 'النظام',
  pending: 'جارٍ الإرسال…',
  sent: 'تم الإرسال',
  failed: 'لم يُرسل',
  online: 'متصل',
  connecting: 'جارٍ الاتصال…',
  offline: 'غير متصل – سترسل الرسائل لاحقًا',
  idle: 'غير متصل بعد',
  viaWebsocket: 'اتصال مباشر (WebSocket)',
  viaHttp: 'اتصال احتياطي (HTTP)',
  typing: (name) => `${name} يكتب…`,
  voiceUnavailable: 'المكالمات الصوتية غير متاحة بعد.',
  delivered: 'تم التسليم',
  read: 'تمت القراءة',
  loadingOlder: 'جارٍ تحميل الرسائل السابقة…',
  newMessages: { zero: 'لا رسائل جديدة', one: 'رسالة جديدة واحدة', two: 'رسالتان جديدتان', few: '# رسائل جديدة', many: '# رسالة جديدة', other: '# رسالة جديدة' },
  newMessagesJump: { zero: 'لا رسائل جديدة', one: 'رسالة جديدة واحدة، انتقل إلى الأحدث', two: 'رسالتان جديدتان، انتقل إلى الأحدث', few: '# رسائل جديدة، انتقل إلى الأحدث', many: '# رسالة جديدة، انتقل إلى الأحدث', other: '# رسالة جديدة، انتقل إلى الأحدث' },
  quickReplies: 'ردود مقترحة',
  aiMark: 'ذكاء اصطناعي',
  welcome: 'مرحبًا',
  // [attachments]
  // [/attachments]
  // [lifecycle]
  // [/lifecycle]
  // [emoji]
  // [/emoji]
};
export default ar;
