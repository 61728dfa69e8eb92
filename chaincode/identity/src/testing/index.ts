export { registerPersonOnNetwork } from './register-person';
