import type { NoticeStrings } from './en-notices.js';

/** French system notices. */
export const frNotices: NoticeStrings = {
  escalatedByVisitor: (reason) =>
    reason ? `Vous avez demandé à parler à une personne : ${reason}` : 'Vous avez demandé à parler à une personne.',
  escalatedByAssistant: (why) =>
    why ? `L’assistant a demandé qu’une personne prenne le relais (${why}).` : 'L’assistant a demandé qu’une personne prenne le relais.',
  escalatedByAgent: (reason) =>
    reason ? `La conversation a été confiée à l’équipe : ${reason}` : 'La conversation a été confiée à l’équipe.',
  handoffReasons: {
    requested: 'vous avez demandé une personne',
    low_confidence: 'il n’était pas sûr de la réponse',
    unhelpful: 'ses réponses n’ont pas aidé',
    provider_error: 'il n’a pas pu répondre',
  },
  assigned: (name) => (name ? `${name} a rejoint la conversation.` : 'Une personne a rejoint la conversation.'),
  transferred: (name) =>
    name ? `La conversation a été confiée à ${name}.` : 'La conversation a été confiée à quelqu’un d’autre de l’équipe.',
  returned: (name) => (name ? `${name} a rendu la conversation à l’assistant.` : 'L’assistant répond de nouveau.'),
  callCalling: (to) => (to ? `Appel du ${to}…` : 'Nous vous appelons…'),
  callVisitorCalling: 'Vous appelez l’équipe…',
  callTeamCalling: 'L’équipe vous appelle…',
  callConnected: 'Appel connecté.',
  callEnded: (duration) => `Appel terminé, ${duration}.`,
  callCancelled: 'Appel annulé.',
  callFailed: (why) => (why ? `L’appel a échoué : ${why}.` : 'L’appel a échoué.'),
  callFailReasons: {
    busy: 'la ligne était occupée',
    no_answer: 'personne n’a répondu',
    invalid_number: 'ce numéro ne peut pas être appelé',
    rate_limited: 'le service téléphonique est saturé',
    timeout: 'le service téléphonique n’a pas répondu',
    declined: 'il a été refusé',
  },
  callSimulated: (text) => `Appel simulé : ${text}`,
};
