// A server component (no 'use client'): it renders <AmoiqChat> with serializable props only.
import type { ReactNode } from 'react';
import { AmoiqChat } from 'amoiq-chat/react';

export const metadata = { title: 'amoiq-chat in Next.js' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        {children}
        <AmoiqChat
          id="server"
          tenantId="demo"
          dbName="example-next-server"
          storage="memory"
          noEmoji
          preChatFields={[{ name: 'email', required: true }]}
        />
      </body>
    </html>
  );
}
