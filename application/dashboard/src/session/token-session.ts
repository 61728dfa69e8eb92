/**
 * The signed-in user: a gateway JWT pasted by the user. The claims are decoded only to greet the
 * user and to choose which panels to offer; the gateway verifies the token on every request and is
 * the one that decides. Kept in sessionStorage, so closing the tab signs out.
 */
export interface TokenClaims {
  sub: string;
  org: string;
  role: string;
  exp?: number;
}

export interface Session {
  token: string;
  claims: TokenClaims;
}

const STORAGE_KEY = 'cityledger.token';

function base64UrlDecode(text: string): string {
  const padded = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Reads the claims of a JWT, or says what is wrong with it. */
export function parseToken(raw: string): Session | { problem: string } {
  const token = raw.trim().replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    return { problem: 'This is not a JWT (three base64url parts separated by dots).' };
  }
  let claims: Partial<TokenClaims>;
  try {
    claims = JSON.parse(base64UrlDecode(parts[1]!)) as Partial<TokenClaims>;
  } catch {
    return { problem: 'The token’s payload is not JSON.' };
  }
  if (typeof claims.sub !== 'string' || typeof claims.org !== 'string' || typeof claims.role !== 'string') {
    return { problem: 'The token lacks the sub, org and role claims the gateway needs.' };
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) {
    return { problem: 'The token has expired; make a new one.' };
  }
  return { token, claims: { sub: claims.sub, org: claims.org, role: claims.role, exp: claims.exp } };
}

export function restoreSession(): Session | undefined {
  const stored = sessionStorage.getItem(STORAGE_KEY);
  if (!stored) return undefined;
  const parsed = parseToken(stored);
  if ('problem' in parsed) {
    sessionStorage.removeItem(STORAGE_KEY);
    return undefined;
  }
  return parsed;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, session.token);
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
