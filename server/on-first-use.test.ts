import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../test/process';
import { onFirstUse } from './on-first-use';

const FIRST_USE_PACKAGES = ['livekit-server-sdk', 'nodemailer', 'react-dom', '@react-email/render'];

describe('packages loaded on first use', () => {
  it('loads a package once, at the first call', () => {
    let loads = 0;
    const sdk = onFirstUse(() => ({ n: ++loads }));
    expect(loads).toBe(0);
    expect(sdk()).toBe(sdk());
    expect(loads).toBe(1);
  });

  it('the app loads without them, and each comes when first asked for (the build jest’s global setup made)', () => {
    const packageOf = `(file) => { const m = /node_modules\\/((@[^/]+\\/)?[^/]+)\\//.exec(file); return m && ${JSON.stringify(FIRST_USE_PACKAGES)}.includes(m[1]) ? m[1] : null; }`;
    const script = `
      const packageOf = ${packageOf};
      const loaded = () => [...new Set(Object.keys(require.cache).map(packageOf).filter(Boolean))].sort();
      require(${JSON.stringify(path.join(ROOT, 'dist/server/app.js'))});
      const atStart = loaded();
      require(${JSON.stringify(path.join(ROOT, 'dist/integrations/livekit/sdk.js'))}).liveKitSdk();
      require(${JSON.stringify(path.join(ROOT, 'dist/emails/email-template.js'))}).emailRenderer();
      require(${JSON.stringify(path.join(ROOT, 'dist/server/mailer.js'))}).createMailer({ outboxDir: '/nonexistent' });
      require(${JSON.stringify(path.join(ROOT, 'dist/schema/pages/layout.js'))}).renderPage(null);
      console.log(JSON.stringify({ atStart, afterUse: loaded() }));`;
    const output = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH } });
    const { atStart, afterUse } = JSON.parse(output.trim().split('\n').pop()!);
    expect(atStart).toEqual([]);
    expect(afterUse).toEqual([...FIRST_USE_PACKAGES].sort());
  });
});
