/** Child process body of smtpProcess.ts: a local SMTP peer answering requests over IPC. */
import { startSmtpPeer } from './smtp';
import type { PeerRequest } from './smtpProcess';

const peer = await startSmtpPeer({ keep: 100_000 });
process.send!({ url: peer.url });
process.on('message', async (m: PeerRequest) => {
  switch (m.cmd) {
    case 'stats':
      return process.send!({ messages: peer.accepted - peer.duplicates, duplicates: peer.duplicates, held: peer.held() });
    case 'caught':
      return process.send!(peer.messages.map((x) => ({ to: x.to, messageId: x.messageId })));
    case 'holdAfter':
      peer.holdAfter(m.count);
      return process.send!('ok');
    case 'release':
      peer.release();
      return process.send!('ok');
    case 'close':
      await peer.close();
      process.exit(0);
  }
});
