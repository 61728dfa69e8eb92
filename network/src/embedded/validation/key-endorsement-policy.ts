import { common, msp } from '@hyperledger/fabric-protos';
import type { PrincipalRole, SignaturePolicy } from '../../consortium/signature-policy';

/** Fabric's metadata name under which a key's state-based endorsement policy is stored. */
export const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';

const ROLE_NAMES: Record<number, PrincipalRole> = {
  [msp.MSPRole.MSPRoleType.MEMBER]: 'member',
  [msp.MSPRole.MSPRoleType.ADMIN]: 'admin',
  [msp.MSPRole.MSPRoleType.CLIENT]: 'client',
  [msp.MSPRole.MSPRoleType.PEER]: 'peer',
  [msp.MSPRole.MSPRoleType.ORDERER]: 'orderer',
};

/**
 * Decodes the SignaturePolicyEnvelope that chaincode stores with setStateValidationParameter
 * (e.g. through fabric-shim's KeyEndorsementPolicy) into the policy the validator evaluates.
 */
export function decodeKeyEndorsementPolicy(bytes: Uint8Array): SignaturePolicy {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
  const principals = envelope.getIdentitiesList().map((identity, index) => {
    if (identity.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) {
      throw new Error(`principal ${index} of the key-level policy is not an MSP role`);
    }
    const role = msp.MSPRole.deserializeBinary(identity.getPrincipal_asU8());
    const name = ROLE_NAMES[role.getRole()];
    if (!name)
      throw new Error(`principal ${index} of the key-level policy has unknown role ${role.getRole()}`);
    return { mspId: role.getMspIdentifier(), role: name };
  });
  const convert = (rule: common.SignaturePolicy | undefined): SignaturePolicy => {
    if (!rule) throw new Error('key-level policy has no rule');
    if (rule.hasSignedBy()) {
      const principal = principals[rule.getSignedBy()];
      if (!principal) throw new Error(`key-level policy refers to missing principal ${rule.getSignedBy()}`);
      return { kind: 'signedBy', principal };
    }
    const outOf = rule.getNOutOf();
    if (!outOf) throw new Error('key-level policy rule is empty');
    return { kind: 'outOf', n: outOf.getN(), rules: outOf.getRulesList().map(convert) };
  };
  return convert(envelope.getRule());
}
