/**
 * What the types must refuse (typechecked, never rendered): each line below is an error, so a
 * type that grew too loose (`any`, a missing literal union) fails `npm run typecheck` here.
 */
import { AmoiqChat } from 'amoiq-chat/react';

export const refused = [
  // @ts-expect-error -- not a position
  <amoiq-chat key="1" position="middle" />,
  // @ts-expect-error -- preChatFields is an array of fields
  <amoiq-chat key="2" preChatFields="email" />,
  // @ts-expect-error -- the detail has no `text`; it is `detail.message.text`
  <amoiq-chat key="3" onamoiq-message={(e) => e.detail.text} />,
  // @ts-expect-error -- not a theme
  <AmoiqChat key="4" theme="pink" />,
  // @ts-expect-error -- onMessage's event has the message in its detail
  <AmoiqChat key="5" onMessage={(e) => e.detail.text} />,
];
