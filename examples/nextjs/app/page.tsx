// A server component page that renders the client component below.
import { SupportChat } from './support-chat';

export default function Page() {
  return <SupportChat />;
}
