// The sign-in form. It posts the admin token once; from then on only the opaque session cookie
// travels, and the token never appears in a URL, a cookie or a log.

import { html, page } from './html.js';

export interface SignInPageOptions {
  /** False when the receiver has no admin token configured: the dashboard is off. */
  readonly enabled: boolean;
  readonly error?: string;
}

export function signInPage(options: SignInPageOptions): string {
  const body = options.enabled
    ? html`<form class="sign-in" method="post" action="/dashboard/sign-in">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
<p class="hint">Use the receiver's <code>LUNADEFEND_ADMIN_TOKEN</code>. The public figures need no sign-in: <a href="/stats">/stats</a>.</p>`
    : html`<p id="dashboard-off">The dashboard is off: this receiver has no admin token configured
(<code>LUNADEFEND_ADMIN_TOKEN</code>). The public figures are at <a href="/stats">/stats</a>.</p>`;
  return page({
    title: 'Sign in · LunaDefend Metrics',
    body: html`<main id="main" class="narrow">
<h1>LunaDefend Metrics dashboard</h1>
${options.error !== undefined ? html`<p class="error" id="sign-in-error" role="alert">${options.error}</p>` : ''}
${body}
</main>`,
  });
}
