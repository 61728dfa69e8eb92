/**
 * Test support for packages that drive the real gateway from outside, importable as
 * `@cityledger/application/testing`: the gateway as a child process, tokens it accepts, and a
 * JSON HTTP call.
 */
export {
  CHILD_JWT_SECRET,
  type ChildGateway,
  call,
  childToken,
  startChildGateway,
} from '../reliability/child-gateway';
