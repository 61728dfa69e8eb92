/**
 * The message of the error `promise` fails with, so a test can assert on the coded message a
 * client would see; throws when the promise succeeds.
 */
export async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the call to fail');
}
