import type { NoticeStrings } from './en-notices.js';

/** Spanish system notices. */
export const esNotices: NoticeStrings = {
  escalatedByVisitor: (reason) => (reason ? `Pediste hablar con una persona: ${reason}` : 'Pediste hablar con una persona.'),
  escalatedByAssistant: (why) =>
    why ? `El asistente pidió que una persona se encargue (${why}).` : 'El asistente pidió que una persona se encargue.',
  escalatedByAgent: (reason) => (reason ? `La conversación pasó al equipo: ${reason}` : 'La conversación pasó al equipo.'),
  handoffReasons: {
    requested: 'pediste una persona',
    low_confidence: 'no estaba seguro de la respuesta',
    unhelpful: 'sus respuestas no ayudaron',
    provider_error: 'no pudo responder',
  },
  assigned: (name) => (name ? `${name} se unió a la conversación.` : 'Una persona se unió a la conversación.'),
  transferred: (name) => (name ? `La conversación pasó a ${name}.` : 'La conversación pasó a otra persona del equipo.'),
  returned: (name) => (name ? `${name} devolvió la conversación al asistente.` : 'El asistente vuelve a responder.'),
  callCalling: (to) => (to ? `Llamando a ${to}…` : 'Te estamos llamando…'),
  callVisitorCalling: 'Estás llamando al equipo…',
  callTeamCalling: 'El equipo te está llamando…',
  callConnected: 'Llamada conectada.',
  callEnded: (duration) => `Llamada finalizada, ${duration}.`,
  callCancelled: 'Llamada cancelada.',
  callFailed: (why) => (why ? `La llamada falló: ${why}.` : 'La llamada falló.'),
  callFailReasons: {
    busy: 'la línea estaba ocupada',
    no_answer: 'nadie contestó',
    invalid_number: 'no se puede llamar a ese número',
    rate_limited: 'el servicio telefónico está saturado',
    timeout: 'el servicio telefónico no respondió',
    declined: 'fue rechazada',
  },
  callSimulated: (text) => `Llamada simulada: ${text}`,
};
