/**
 * The ledger identities the gateway itself acts with. Each is a user of the organisation's wallet
 * like any other, so a token naming one as its subject would act as the service (and re-enrol it
 * with the token's role): no token may name them, whatever its role.
 */
export const BALLOT_BOX_USER = 'ballot-box';
export const IOT_BRIDGE_USER = 'iot-bridge';

const SERVICE_IDENTITIES: ReadonlyMap<string, string> = new Map([
  ['admin', 'the organisation admin identity'],
  [BALLOT_BOX_USER, "the gateway's anonymous ballot box"],
  [IOT_BRIDGE_USER, "the gateway's IoT bridge"],
]);

/**
 * Why `subject` cannot be a token's `sub`, or undefined when it can. Compared without case, so
 * that `Ballot-Box` cannot reach the same wallet entry on a case-insensitive file system.
 *
 * @param configured service user ids the configuration chose instead of the defaults (`serviceUserId`).
 */
export function reservedSubjectProblem(
  subject: string,
  configured: readonly string[] = [],
): string | undefined {
  const key = subject.toLowerCase();
  const service =
    SERVICE_IDENTITIES.get(key) ??
    (configured.some((id) => id.toLowerCase() === key)
      ? "one of the gateway's service identities"
      : undefined);
  return service ? `"${subject}" is reserved for ${service}` : undefined;
}
