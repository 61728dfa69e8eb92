import { OPERATIONS } from './operations';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

const parameterCount = (template: string) => template.split('{').length - 1;

const DOCUMENTED = OPERATIONS.map(([method, template]) => ({
  method: method.toUpperCase(),
  template,
  // Braces are not escaped: each `{name}` becomes one path segment.
  pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
})).sort((a, b) => parameterCount(a.template) - parameterCount(b.template));

/**
 * The path template of the documented operation that `method` and `path` (without its query) call,
 * or undefined. A literal segment wins over a parameter: `/chaincodes/voting/queries` is the
 * voting chaincode's own operation rather than the generic `/chaincodes/{chaincode}/queries`.
 */
export function documentedOperation(method: HttpMethod, path: string): string | undefined {
  return DOCUMENTED.find((op) => op.method === method && op.pattern.test(path))?.template;
}
