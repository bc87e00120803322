import type { NoticeStrings } from './en-notices.js';

/** German system notices. */
export const deNotices: NoticeStrings = {
  escalatedByVisitor: (reason) => (reason ? `Sie haben nach einem Menschen gefragt: ${reason}` : 'Sie haben nach einem Menschen gefragt.'),
  escalatedByAssistant: (why) =>
    why ? `Der Assistent hat einen Menschen gebeten zu übernehmen (${why}).` : 'Der Assistent hat einen Menschen gebeten zu übernehmen.',
  escalatedByAgent: (reason) =>
    reason ? `Das Gespräch wurde an das Team übergeben: ${reason}` : 'Das Gespräch wurde an das Team übergeben.',
  handoffReasons: {
    requested: 'Sie haben danach gefragt',
    low_confidence: 'er war sich der Antwort nicht sicher',
    unhelpful: 'seine Antworten haben nicht geholfen',
    provider_error: 'er konnte nicht antworten',
  },
  assigned: (name) => (name ? `${name} ist dem Gespräch beigetreten.` : 'Ein Mensch ist dem Gespräch beigetreten.'),
  transferred: (name) => (name ? `Das Gespräch wurde an ${name} übergeben.` : 'Das Gespräch wurde an jemand anderen im Team übergeben.'),
  returned: (name) => (name ? `${name} hat das Gespräch an den Assistenten zurückgegeben.` : 'Der Assistent antwortet wieder.'),
  callCalling: (to) => (to ? `${to} wird angerufen…` : 'Sie werden angerufen…'),
  callVisitorCalling: 'Sie rufen das Team an…',
  callTeamCalling: 'Das Team ruft Sie an…',
  callConnected: 'Anruf verbunden.',
  callEnded: (duration) => `Anruf beendet, ${duration}.`,
  callCancelled: 'Anruf abgebrochen.',
  callFailed: (why) => (why ? `Anruf fehlgeschlagen: ${why}.` : 'Anruf fehlgeschlagen.'),
  callFailReasons: {
    busy: 'die Leitung war besetzt',
    no_answer: 'niemand hat abgenommen',
    invalid_number: 'die Nummer kann nicht angerufen werden',
    rate_limited: 'der Telefondienst ist ausgelastet',
    timeout: 'der Telefondienst hat nicht geantwortet',
    declined: 'er wurde abgelehnt',
  },
  callSimulated: (text) => `Simulierter Anruf: ${text}`,
};
