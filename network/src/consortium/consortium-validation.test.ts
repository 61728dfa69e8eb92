import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { defaultConsortiumPath, parseConsortium } from './consortium';
import { ConsortiumDefinition } from './consortium-schema';
import { ConsortiumError, formatFieldPath } from './consortium-validation';

type Editable = ConsortiumDefinition & Record<string, unknown>;

const realYaml = readFileSync(defaultConsortiumPath(), 'utf8');

/** The real consortium with one change applied, validated as if it were consortium.yaml. */
function problemsAfter(change: (definition: Editable) => void): string[] {
  const definition = parse(realYaml) as Editable;
  change(definition);
  try {
    parseConsortium(stringify(definition), 'consortium.yaml');
  } catch (error) {
    expect(error).to.be.instanceOf(ConsortiumError);
    return (error as ConsortiumError).message.split('\n');
  }
  throw new Error('expected the changed consortium to be rejected');
}

function expectSomeLine(lines: string[], pattern: RegExp): void {
  expect(
    lines.some((line) => pattern.test(line)),
    `expected a line matching ${pattern} in\n${lines.join('\n')}`,
  ).to.equal(true);
}

describe('consortium validation', () => {
  it('accepts the real consortium unchanged', () => {
    expect(() => parseConsortium(realYaml, 'consortium.yaml')).to.not.throw();
  });

  it('names the file and the field path of a schema error', () => {
    const problems = problemsAfter((definition) => {
      (definition.channels[0].chaincodes[1] as Record<string, unknown>).endorsementPolicy = 42;
    });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^consortium\.yaml: channels\[0\]\.chaincodes\[1\]\.endorsementPolicy: /);
  });

  it('lists every schema problem, one per line', () => {
    const problems = problemsAfter((definition) => {
      definition.channels[1].name = 'Civic Channel';
      (definition.organizations[2] as Record<string, unknown>).peer = ['peer0'];
      delete (definition as Record<string, unknown>).name;
    });
    expect(problems).to.have.length(3);
    expectSomeLine(problems, /^consortium\.yaml: channels\[1\]\.name: /);
    expectSomeLine(problems, /^consortium\.yaml: organizations\[2\]: Unrecognized key: "peer"/);
    expectSomeLine(problems, /^consortium\.yaml: name: /);
  });

  it('rejects an empty file', () => {
    expect(() => parseConsortium('', 'consortium.yaml')).to.throw(
      ConsortiumError,
      /^consortium\.yaml: \(root\): /,
    );
  });

  it('rejects two organisations with the same MSP ID', () => {
    const problems = problemsAfter((definition) => {
      definition.organizations[4].mspId = 'CityMSP';
    });
    expectSomeLine(problems, /^consortium\.yaml: organizations\[4\]\.mspId: duplicate MSP ID 'CityMSP'/);
  });

  it('rejects a node name used twice in one organisation', () => {
    const problems = problemsAfter((definition) => {
      definition.organizations[1].peers = ['peer0', 'peer0'];
    });
    expect(problems).to.deep.equal([
      "consortium.yaml: organizations[1].peers[1]: node name 'peer0' is used twice in CityMSP",
    ]);
  });

  it('rejects a consortium without an orderer', () => {
    const problems = problemsAfter((definition) => {
      definition.organizations[0].orderers = [];
    });
    expect(problems).to.deep.equal([
      'consortium.yaml: organizations: no organization declares an orderer; the ordering service needs at least one',
    ]);
  });

  it('rejects a BFT consenter run by an unknown org, reusing a member MSP, or listed twice', () => {
    const problems = problemsAfter((definition) => {
      const consenters = definition.ordering.bft!.consenters;
      consenters[0] = { ...consenters[0], operator: 'BankMSP' };
      consenters[1] = { ...consenters[1], mspId: 'UtilityMSP' };
      consenters[3] = { ...consenters[2] };
    });
    expect(problems).to.deep.equal([
      "consortium.yaml: ordering.bft.consenters[0].operator: 'BankMSP' is not a declared organization",
      'consortium.yaml: ordering.bft.consenters[1]: an ordering organisation needs its own MSP ID and domain; UtilityMSP already has that MSP ID',
      'consortium.yaml: ordering.bft.consenters[3]: consenter orderer0.ordering.community.cityledger.example is listed twice (also consenters[2])',
    ]);
  });

  it('needs at least four BFT consenters, so that one may fail or lie', () => {
    const problems = problemsAfter((definition) => {
      definition.ordering.bft!.consenters.pop();
    });
    expectSomeLine(problems, /^consortium\.yaml: ordering\.bft\.consenters: /);
  });

  it('rejects two channels with the same name', () => {
    const problems = problemsAfter((definition) => {
      definition.channels[1].name = 'energy';
    });
    expect(problems).to.deep.equal([
      "consortium.yaml: channels[1].name: duplicate channel name 'energy' (also channels[0])",
    ]);
  });

  it('rejects two chaincodes with the same name on a channel', () => {
    const problems = problemsAfter((definition) => {
      definition.channels[1].chaincodes[3].name = 'land-registry';
    });
    expect(problems).to.deep.equal([
      "consortium.yaml: channels[1].chaincodes[3].name: duplicate chaincode name 'land-registry' on channel 'civic' (also chaincodes[2])",
    ]);
  });

  it('rejects two collections with the same name in a chaincode', () => {
    const problems = problemsAfter((definition) => {
      const collections = definition.channels[0].chaincodes[0].collections;
      collections.push({ ...collections[0] });
    });
    expect(problems).to.deep.equal([
      "consortium.yaml: channels[0].chaincodes[0].collections[1].name: duplicate collection name 'CityPersonalData' in chaincode 'identity' (also collections[0])",
    ]);
  });

  it('rejects a channel member that is not a declared organisation', () => {
    const problems = problemsAfter((definition) => {
      definition.channels[0].members.push('BankMSP');
    });
    expect(problems).to.deep.equal([
      "consortium.yaml: channels[0].members[3]: 'BankMSP' is not a declared organization",
    ]);
  });

  it('rejects a channel member without peers', () => {
    const problems = problemsAfter((definition) => {
      definition.channels[1].members.push('OrdererMSP');
    });
    expect(problems).to.deep.equal([
      "consortium.yaml: channels[1].members[3]: 'OrdererMSP' has no peers, so it cannot join channel 'civic'",
    ]);
  });

  it('rejects a channel member listed twice', () => {
    const problems = problemsAfter((definition) => {
      definition.channels[1].members.push('CityMSP');
    });
    expectSomeLine(problems, /^consortium\.yaml: channels\[1\]\.members\[3\]: 'CityMSP' is listed twice/);
  });

  it('rejects an endorsement policy with a syntax error and says where', () => {
    const problems = problemsAfter((definition) => {
      definition.channels[0].chaincodes[2].endorsementPolicy = "AND('UtilityMSP.peer' 'CityMSP.peer')";
    });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(
      /^consortium\.yaml: channels\[0\]\.chaincodes\[2\]\.endorsementPolicy: invalid signature policy .* at position 22$/,
    );
  });

  it('rejects an endorsement policy that names an organisation outside the channel', () => {
    const problems = problemsAfter((definition) => {
      definition.channels[1].chaincodes[2].endorsementPolicy = "AND('CityMSP.peer', 'UtilityMSP.peer')";
    });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(
      /^consortium\.yaml: channels\[1\]\.chaincodes\[2\]\.endorsementPolicy: .*'UtilityMSP', which is not a member of the channel/,
    );
  });

  it('rejects a collection policy that names an organisation outside the channel', () => {
    const problems = problemsAfter((definition) => {
      definition.channels[1].chaincodes[0].collections[0].policy =
        "OR('CityMSP.member', 'UtilityMSP.member')";
    });
    expect(problems).to.deep.equal([
      "consortium.yaml: channels[1].chaincodes[0].collections[0].policy: names 'UtilityMSP', not a member of channel 'civic' (members: CityMSP, CommunityMSP, AuditorMSP)",
    ]);
  });

  it('rejects a collection policy that is a channel policy reference', () => {
    const problems = problemsAfter((definition) => {
      definition.channels[0].chaincodes[0].collections[0].policy = 'MAJORITY Endorsement';
    });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(
      /^consortium\.yaml: channels\[0\]\.chaincodes\[0\]\.collections\[0\]\.policy: invalid signature policy/,
    );
  });

  it('checks a collection endorsement policy against the channel', () => {
    const problems = problemsAfter((definition) => {
      definition.channels[0].chaincodes[0].collections[0].endorsementPolicy = "OR('CommunityMSP.peer')";
    });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(
      /^consortium\.yaml: channels\[0\]\.chaincodes\[0\]\.collections\[0\]\.endorsementPolicy: .*'CommunityMSP'/,
    );
  });

  it('rejects a collection that may disseminate to fewer peers than it requires', () => {
    const problems = problemsAfter((definition) => {
      definition.channels[0].chaincodes[0].collections[0].requiredPeerCount = 2;
      definition.channels[0].chaincodes[0].collections[0].maxPeerCount = 1;
    });
    expect(problems).to.deep.equal([
      'consortium.yaml: channels[0].chaincodes[0].collections[0].maxPeerCount: must be at least requiredPeerCount (2), got 1',
    ]);
  });

  it('writes field paths with indexes in brackets', () => {
    expect(formatFieldPath(['channels', 0, 'chaincodes', 1, 'endorsementPolicy'])).to.equal(
      'channels[0].chaincodes[1].endorsementPolicy',
    );
    expect(formatFieldPath([])).to.equal('(root)');
  });
});
