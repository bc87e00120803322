import type { NoticeStrings } from './en-notices.js';

/** Arabic system notices. */
export const arNotices: NoticeStrings = {
  escalatedByVisitor: (reason) => (reason ? `طلبتَ التحدث إلى شخص: ${reason}` : 'طلبتَ التحدث إلى شخص.'),
  escalatedByAssistant: (why) => (why ? `طلب المساعد أن يتولى شخص المحادثة (${why}).` : 'طلب المساعد أن يتولى شخص المحادثة.'),
  escalatedByAgent: (reason) => (reason ? `أُحيلت المحادثة إلى الفريق: ${reason}` : 'أُحيلت المحادثة إلى الفريق.'),
  handoffReasons: {
    requested: 'طلبتَ شخصًا',
    low_confidence: 'لم يكن متأكدًا من الإجابة',
    unhelpful: 'لم تكن إجاباته مفيدة',
    provider_error: 'تعذّر عليه الرد',
  },
  assigned: (name) => (name ? `انضم ${name} إلى المحادثة.` : 'انضم شخص إلى المحادثة.'),
  transferred: (name) => (name ? `أُحيلت المحادثة إلى ${name}.` : 'أُحيلت المحادثة إلى شخص آخر في الفريق.'),
  returned: (name) => (name ? `أعاد ${name} المحادثة إلى المساعد.` : 'يجيب المساعد من جديد.'),
  callCalling: (to) => (to ? `جارٍ الاتصال بالرقم ${to}…` : 'جارٍ الاتصال بك…'),
  callVisitorCalling: 'أنت تتصل بالفريق…',
  callTeamCalling: 'الفريق يتصل بك…',
  callConnected: 'تم الاتصال.',
  callEnded: (duration) => `انتهت المكالمة، ${duration}.`,
  callCancelled: 'أُلغيت المكالمة.',
  callFailed: (why) => (why ? `فشلت المكالمة: ${why}.` : 'فشلت المكالمة.'),
  callFailReasons: {
    busy: 'الخط كان مشغولًا',
    no_answer: 'لم يرد أحد',
    invalid_number: 'لا يمكن الاتصال بهذا الرقم',
    rate_limited: 'خدمة الهاتف مشغولة',
    timeout: 'لم تستجب خدمة الهاتف',
    declined: 'رُفضت',
  },
  callSimulated: (text) => `مكالمة تجريبية: ${text}`,
};
