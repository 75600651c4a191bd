/** Child process body of smtpProcess.ts: a local SMTP peer answering counts over IPC. */
import { startSmtpPeer } from './smtp';

const peer = await startSmtpPeer({ keep: 100 });
process.send!({ url: peer.url });
process.on('message', async (m) => {
  if (m === 'stats') process.send!({ messages: peer.accepted - peer.duplicates, duplicates: peer.duplicates });
  if (m === 'close') {
    await peer.close();
    process.exit(0);
  }
});
