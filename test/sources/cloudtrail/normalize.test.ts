import { ActorType, AliasKind, EventCategory, Outcome } from '../../../src/domain';
import { MalformedRecordError, normalizeRecord } from '../../../src/sources/cloudtrail/normalize';
import {
  ACCOUNT,
  ATTACKER_IP,
  SSO_ROLE,
  assumeRoleWithWebIdentity,
  attachUserPolicy,
  bareRecord,
  consoleLoginFailure,
  createAccessKey,
  deniedCreateUser,
  federatedUserCall,
  getSecretValue,
  IDC_USER_ID,
  identityCenterSignIn,
  identityCenterSignInLegacy,
  identityCenterUserCall,
  rootConsoleLogin,
  samlAssumeRole,
  serviceDecrypt,
  ssoGetCallerIdentity,
} from './records';

const SOURCE = 'prod-trail';

describe('CloudTrail normalization', () => {
  it('maps the common fields of a call', () => {
    const record = createAccessKey();
    const e = normalizeRecord(record, SOURCE);
    expect(e).toMatchObject({
      id: 'e-create-key',
      sourceId: SOURCE,
      sourceType: 'cloudtrail',
      action: 'iam:CreateAccessKey',
      rawAction: 'CreateAccessKey',
      outcome: Outcome.SUCCESS,
      sourceIp: ATTACKER_IP,
      userAgent: expect.stringContaining('aws-cli/2.15.30'),
      correlationId: 'req-e-create-key',
      cloud: { provider: 'aws', account: ACCOUNT, region: 'us-east-1' },
    });
    expect(e.time.toISOString()).toBe('2026-03-14T09:03:12.000Z');
    expect(e.raw).toBe(record);
  });

  it('takes an Identity Center session name as the person: session, role, Identity Center user and email aliases', () => {
    const e = normalizeRecord(ssoGetCallerIdentity('e-sso', '2026-03-14T09:01:00Z'), SOURCE);
    expect(e.actor).toMatchObject({
      name: 'alice@example.com',
      type: ActorType.ROLE_SESSION,
      uid: 'AROAEXAMPLESSOADMIN01:alice@example.com',
      sessionId: 'ASIAEXAMPLEALICE0001',
    });
    expect(e.actor.aliases).toEqual(
      expect.arrayContaining([
        { kind: AliasKind.AWS_ROLE_SESSION, value: `arn:aws:sts::${ACCOUNT}:assumed-role/${SSO_ROLE}/alice@example.com`, field: 'userIdentity.arn' },
        { kind: AliasKind.AWS_ROLE, value: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${SSO_ROLE}`, field: 'userIdentity.sessionContext.sessionIssuer.arn' },
        { kind: AliasKind.AWS_IDENTITY_CENTER_USER, value: 'alice@example.com', field: 'userIdentity.arn' },
        { kind: AliasKind.EMAIL, value: 'alice@example.com', field: 'userIdentity.arn' },
        { kind: AliasKind.AWS_ACCESS_KEY, value: 'ASIAEXAMPLEALICE0001', field: 'userIdentity.accessKeyId' },
      ]),
    );
    expect(e.actor.aliases).toHaveLength(5);
    expect(e.category).toBe(EventCategory.API_ACTIVITY);
    expect(e.ocsfClassUid).toBe(6003);
  });

  it('does not take an ordinary role session name for an Identity Center user', () => {
    const e = normalizeRecord(getSecretValue('e-secret', '2026-03-14T09:12:00Z'), SOURCE);
    expect(e.actor.name).toBe('botocore-session-1773479460');
    expect(e.actor.type).toBe(ActorType.ROLE_SESSION);
    const kinds = e.actor.aliases.map((a) => a.kind);
    expect(kinds).not.toContain(AliasKind.AWS_IDENTITY_CENTER_USER);
    expect(kinds).not.toContain(AliasKind.EMAIL);
    expect(e.actor.aliases).toContainEqual({ kind: AliasKind.AWS_ROLE, value: `arn:aws:iam::${ACCOUNT}:role/ml-training-irsa`, field: 'userIdentity.sessionContext.sessionIssuer.arn' });
    expect(e.targets).toEqual([{ type: 'AWS::SecretsManager::Secret', name: 'prod/db-password' }]);
    expect(e.action).toBe('secretsmanager:GetSecretValue');
  });

  it('IRSA AssumeRoleWithWebIdentity: the Kubernetes service account, and the temporary key it receives as a target', () => {
    const e = normalizeRecord(assumeRoleWithWebIdentity(), SOURCE);
    expect(e.actor.name).toBe('system:serviceaccount:ml-production:ml-training');
    expect(e.actor.type).toBe(ActorType.SERVICE_ACCOUNT);
    expect(e.actor.aliases).toEqual([{ kind: AliasKind.K8S_SERVICE_ACCOUNT, value: 'system:serviceaccount:ml-production:ml-training', field: 'userIdentity.userName' }]);
    expect(e.actor.uid).toContain('oidc-provider/oidc.eks.us-east-1.amazonaws.com');
    expect(e.category).toBe(EventCategory.AUTHENTICATION);
    expect(e.ocsfClassUid).toBe(3002);
    expect(e.targets).toEqual(
      expect.arrayContaining([
        { type: 'AccessKey', name: 'ASIAEXAMPLERUN00001', uid: 'ASIAEXAMPLERUN00001' },
        { type: 'AWS::IAM::Role', name: `arn:aws:iam::${ACCOUNT}:role/ml-training-irsa`, uid: `arn:aws:iam::${ACCOUNT}:role/ml-training-irsa` },
        { type: 'AWS::STS::AssumedRole', name: `arn:aws:sts::${ACCOUNT}:assumed-role/ml-training-irsa/botocore-session-1773479460`, uid: expect.any(String) },
      ]),
    );
    // the role appears in resources[] and in requestParameters.roleArn: once
    expect(e.targets.filter((t) => t.type === 'AWS::IAM::Role')).toHaveLength(1);
    expect(e.sourceIp).toBe('10.0.42.17');
    expect(e.correlationId).toBe('req-e-irsa');
  });

  it('CreateAccessKey: account change, the new key and the user as targets', () => {
    const e = normalizeRecord(createAccessKey(), SOURCE);
    expect(e.category).toBe(EventCategory.ACCOUNT_CHANGE);
    expect(e.ocsfClassUid).toBe(3001);
    expect(e.targets).toEqual([
      { type: 'AWS::IAM::User', name: 'ci-bot' },
      { type: 'AccessKey', name: 'AKIAEXAMPLECIBOT0001', uid: 'AKIAEXAMPLECIBOT0001' },
    ]);
  });

  it('CreateAccessKey for oneself: the user comes from the response', () => {
    const record = { ...createAccessKey(), requestParameters: null };
    const e = normalizeRecord(record, SOURCE);
    expect(e.targets).toEqual([
      { type: 'AccessKey', name: 'AKIAEXAMPLECIBOT0001', uid: 'AKIAEXAMPLECIBOT0001' },
      { type: 'AWS::IAM::User', name: 'ci-bot' },
    ]);
  });

  it('AttachUserPolicy: account change on the user, with the policy', () => {
    const e = normalizeRecord(attachUserPolicy(), SOURCE);
    expect(e.category).toBe(EventCategory.ACCOUNT_CHANGE);
    expect(e.targets).toEqual([
      { type: 'AWS::IAM::User', name: 'ci-bot' },
      { type: 'AWS::IAM::ManagedPolicy', name: 'arn:aws:iam::aws:policy/AdministratorAccess', uid: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    ]);
  });

  it('an AccessDenied CreateUser by an IAM user: failure with the code and message', () => {
    const e = normalizeRecord(deniedCreateUser(), SOURCE);
    expect(e.outcome).toBe(Outcome.FAILURE);
    expect(e.outcomeReason).toMatch(/^AccessDenied: User: arn:aws:iam::111122223333:user\/ci-bot is not authorized to perform: iam:CreateUser/);
    expect(e.category).toBe(EventCategory.ACCOUNT_CHANGE);
    expect(e.actor).toEqual({
      name: 'ci-bot',
      type: ActorType.USER,
      uid: 'AIDAEXAMPLECIBOT0001',
      sessionId: 'AKIAEXAMPLECIBOT0001',
      aliases: [
        { kind: AliasKind.AWS_ACCESS_KEY, value: 'AKIAEXAMPLECIBOT0001', field: 'userIdentity.accessKeyId' },
        { kind: AliasKind.AWS_IAM_USER, value: `arn:aws:iam::${ACCOUNT}:user/ci-bot`, field: 'userIdentity.arn' },
      ],
    });
    expect(e.targets).toEqual([]);
  });

  it('an AWS service caller: SERVICE actor, no source IP from a hostname, sharedEventID as correlation', () => {
    const e = normalizeRecord(serviceDecrypt(), SOURCE);
    expect(e.actor).toEqual({ name: 'secretsmanager.amazonaws.com', type: ActorType.SERVICE, aliases: [] });
    expect(e.sourceIp).toBeUndefined();
    expect(e.userAgent).toBe('secretsmanager.amazonaws.com');
    expect(e.correlationId).toBe('shared-kms-7');
    expect(e.action).toBe('kms:Decrypt');
    expect(e.targets).toEqual([{ type: 'AWS::KMS::Key', name: expect.stringMatching(/^arn:aws:kms:/), uid: expect.stringMatching(/^arn:aws:kms:/) }]);
  });

  it('a failed console login has no errorCode but is a failed authentication', () => {
    const e = normalizeRecord(consoleLoginFailure(), SOURCE);
    expect(e.outcome).toBe(Outcome.FAILURE);
    expect(e.outcomeReason).toBe('Failed authentication');
    expect(e.category).toBe(EventCategory.AUTHENTICATION);
    expect(e.action).toBe('signin:ConsoleLogin');
    // the empty accessKeyId of a console sign-in is not an alias
    expect(e.actor.aliases).toEqual([]);
    expect(e.actor.name).toBe('ci-bot');
    expect(e.correlationId).toBeUndefined();
  });

  it('a root console login succeeds and names root', () => {
    const e = normalizeRecord(rootConsoleLogin(), SOURCE);
    expect(e.outcome).toBe(Outcome.SUCCESS);
    expect(e.actor).toMatchObject({ name: 'root', type: ActorType.USER, uid: ACCOUNT });
  });

  it('a federated user: the federation name, its email, its key; not the broker', () => {
    const e = normalizeRecord(federatedUserCall(), SOURCE);
    expect(e.actor.name).toBe('carol@example.com');
    expect(e.actor.type).toBe(ActorType.USER);
    expect(e.actor.aliases).toEqual([
      { kind: AliasKind.AWS_ACCESS_KEY, value: 'ASIAEXAMPLEFED000001', field: 'userIdentity.accessKeyId' },
      { kind: AliasKind.EMAIL, value: 'carol@example.com', field: 'userIdentity.arn' },
    ]);
  });

  it('a SAML user assuming a role: authentication, the email, the issued key', () => {
    const e = normalizeRecord(samlAssumeRole(), SOURCE);
    expect(e.category).toBe(EventCategory.AUTHENTICATION);
    expect(e.actor).toMatchObject({ name: 'bob@example.com', type: ActorType.USER });
    expect(e.actor.aliases).toEqual([{ kind: AliasKind.EMAIL, value: 'bob@example.com', field: 'userIdentity.userName' }]);
    expect(e.targets.map((t) => t.type)).toEqual(['AWS::IAM::Role', 'AccessKey', 'AWS::STS::AssumedRole']);
  });

  it('an Identity Center user: the identity store user id, an alias when it is all the record says', () => {
    const e = normalizeRecord(identityCenterUserCall(), SOURCE);
    expect(e.actor).toMatchObject({ name: IDC_USER_ID, uid: IDC_USER_ID, type: ActorType.USER });
    expect(e.actor.aliases).toEqual([{ kind: AliasKind.AWS_IDENTITY_CENTER_USER_ID, value: IDC_USER_ID, field: 'userIdentity.onBehalfOf.userId' }]);
    expect(e.action).toBe('sso:ListAccounts');
  });

  it('an Identity Center sign-in names the user it signed in (additionalEventData.UserName) beside the store id', () => {
    const e = normalizeRecord(identityCenterSignIn(), SOURCE);
    expect(e.actor).toMatchObject({ name: 'alice@example.com', uid: IDC_USER_ID, type: ActorType.USER });
    expect(e.actor.aliases).toEqual([
      { kind: AliasKind.AWS_IDENTITY_CENTER_USER_ID, value: IDC_USER_ID, field: 'userIdentity.onBehalfOf.userId' },
      { kind: AliasKind.AWS_IDENTITY_CENTER_USER, value: 'alice@example.com', field: 'additionalEventData.UserName' },
      { kind: AliasKind.EMAIL, value: 'alice@example.com', field: 'additionalEventData.UserName' },
    ]);
    expect(e.category).toBe(EventCategory.AUTHENTICATION);
    // a directory user name that is no email is the Identity Center user only
    const plain = normalizeRecord(identityCenterSignIn('e-plain', '2026-03-14T09:00:00Z', 'anyuser', 'CredentialChallenge'), SOURCE);
    expect(plain.actor.aliases.map((a) => `${a.kind} ${a.value}`)).toEqual([`AWS_IDENTITY_CENTER_USER_ID ${IDC_USER_ID}`, 'AWS_IDENTITY_CENTER_USER anyuser']);
  });

  it('the older sign-in shape (type Unknown, userName, onBehalfOf) is the same Identity Center user, not an unknown actor', () => {
    const e = normalizeRecord(identityCenterSignInLegacy(), SOURCE);
    expect(e.actor).toMatchObject({ name: 'alice@example.com', uid: IDC_USER_ID, type: ActorType.USER });
    expect(e.actor.aliases.map((a) => `${a.kind} ${a.value} (${a.field})`)).toEqual([
      `AWS_IDENTITY_CENTER_USER_ID ${IDC_USER_ID} (userIdentity.onBehalfOf.userId)`,
      'AWS_IDENTITY_CENTER_USER alice@example.com (additionalEventData.UserName)',
      'EMAIL alice@example.com (additionalEventData.UserName)',
    ]);
  });

  it('a hidden or absent user name names nobody', () => {
    const hidden = identityCenterSignIn('e-hidden', '2026-03-14T09:00:00Z', 'HIDDEN_DUE_TO_SECURITY_REASONS', 'CredentialChallenge');
    const e = normalizeRecord(hidden, SOURCE);
    expect(e.actor.aliases.map((a) => a.kind)).toEqual([AliasKind.AWS_IDENTITY_CENTER_USER_ID]);
    expect(e.actor.name).toBe(IDC_USER_ID);
    // an unknown user's failed sign-in (no store user, name hidden) stays unknown
    const unknown = { ...hidden, userIdentity: { type: 'Unknown', principalId: ACCOUNT, accountId: ACCOUNT, userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' } };
    expect(normalizeRecord(unknown, SOURCE).actor).toMatchObject({ type: ActorType.UNKNOWN, aliases: [] });
  });

  it('GetSessionToken and AssumeRole are authentication; other STS reads are not', () => {
    const token = normalizeRecord({ ...bareRecord(), eventSource: 'sts.amazonaws.com', eventName: 'GetSessionToken' }, SOURCE);
    const assume = normalizeRecord({ ...bareRecord(), eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole' }, SOURCE);
    const who = normalizeRecord({ ...bareRecord(), eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity' }, SOURCE);
    expect([token.category, assume.category, who.category]).toEqual([EventCategory.AUTHENTICATION, EventCategory.AUTHENTICATION, EventCategory.API_ACTIVITY]);
    // an IAM-looking name from another service is not an account change
    const s3 = normalizeRecord({ ...bareRecord(), eventSource: 's3.amazonaws.com', eventName: 'CreateUser' }, SOURCE);
    expect(s3.category).toBe(EventCategory.API_ACTIVITY);
  });

  it('a record with only the essential fields: unknown actor, no targets, success', () => {
    const e = normalizeRecord(bareRecord(), SOURCE);
    expect(e.actor).toEqual({ name: 'unknown', type: ActorType.UNKNOWN, aliases: [] });
    expect(e.targets).toEqual([]);
    expect(e.outcome).toBe(Outcome.SUCCESS);
    expect(e.cloud).toEqual({ provider: 'aws' });
    expect(e.sourceIp).toBeUndefined();
  });

  it('an unknown user of a failed sign-in stays UNKNOWN with the name CloudTrail gives', () => {
    const record = { ...consoleLoginFailure(), userIdentity: { type: 'Unknown', principalId: ACCOUNT, accountId: ACCOUNT, accessKeyId: '', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' } };
    const e = normalizeRecord(record, SOURCE);
    expect(e.actor).toMatchObject({ name: 'HIDDEN_DUE_TO_SECURITY_REASONS', type: ActorType.UNKNOWN });
  });

  it('keeps going on odd field types instead of crashing', () => {
    const record = { ...bareRecord(), userIdentity: { type: 'AssumedRole', arn: 42, accessKeyId: ['x'], principalId: 'AROAX:sess' }, resources: [null, { ARN: 7 }], requestParameters: { userName: { nested: true } } };
    const e = normalizeRecord(record, SOURCE);
    expect(e.actor.name).toBe('sess');
    expect(e.actor.aliases).toEqual([]);
    expect(e.targets).toEqual([]);
  });

  it.each([
    ['no eventID', { ...bareRecord(), eventID: undefined }, /eventID/],
    ['no eventTime', { ...bareRecord(), eventTime: undefined }, /eventTime/],
    ['an eventTime that is not a date', { ...bareRecord(), eventTime: 'yesterday' }, /not a date/],
    ['no eventName', { ...bareRecord(), eventName: '' }, /eventName/],
    ['no eventSource', { ...bareRecord(), eventSource: 3 }, /eventSource/],
    ['a userIdentity that is not an object', { ...bareRecord(), userIdentity: 'alice' }, /userIdentity/],
  ])('refuses a record with %s', (_what, record, reason) => {
    expect(() => normalizeRecord(record, SOURCE)).toThrow(MalformedRecordError);
    expect(() => normalizeRecord(record, SOURCE)).toThrow(reason);
  });

  it('refuses what is not an object', () => {
    expect(() => normalizeRecord(['Records'], SOURCE)).toThrow(MalformedRecordError);
    expect(() => normalizeRecord(null, SOURCE)).toThrow(MalformedRecordError);
  });
});
