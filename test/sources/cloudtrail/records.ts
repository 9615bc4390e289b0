/**
 * CloudTrail records shaped as CloudTrail writes them (eventVersion 1.08-1.10), for the demo account
 * 111122223333 / us-east-1. Builders return fresh objects so that tests can vary one field.
 */

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const SSO_ROLE = 'AWSReservedSSO_AdministratorAccess_3f2a1b9c';
export const ATTACKER_IP = '198.51.100.23';
/** an Identity Store user (Identity Center) and its store */
export const IDC_USER_ID = '94482488-3041-7026-18f3-be45837cd0e4';
export const IDENTITY_STORE = 'arn:aws:identitystore::111122223333:identitystore/d-9067230a4e';

type Json = Record<string, unknown>;

function base(eventID: string, eventTime: string, eventSource: string, eventName: string): Json {
  return {
    eventVersion: '1.09',
    eventTime,
    eventSource,
    eventName,
    awsRegion: REGION,
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22',
    requestID: `req-${eventID}`,
    eventID,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}

/** alice's Identity Center session, as every call she makes through the AdministratorAccess permission set shows it */
export function ssoIdentity(): Json {
  return {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLESSOADMIN01:alice@example.com',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${SSO_ROLE}/alice@example.com`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLEALICE0001',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLESSOADMIN01',
        arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${SSO_ROLE}`,
        accountId: ACCOUNT,
        userName: SSO_ROLE,
      },
      attributes: { creationDate: '2026-03-14T09:00:58Z', mfaAuthenticated: 'false' },
    },
  };
}

export function ciBotIdentity(): Json {
  return {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLECIBOT0001',
    arn: `arn:aws:iam::${ACCOUNT}:user/ci-bot`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAEXAMPLECIBOT0001',
    userName: 'ci-bot',
  };
}

export function irsaSessionIdentity(): Json {
  return {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEIRSA00001:botocore-session-1773479460',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ml-training-irsa/botocore-session-1773479460`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLERUN00001',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEIRSA00001', arn: `arn:aws:iam::${ACCOUNT}:role/ml-training-irsa`, accountId: ACCOUNT, userName: 'ml-training-irsa' },
      webIdFederationData: { federatedProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`, attributes: {} },
      attributes: { creationDate: '2026-03-14T09:11:00Z', mfaAuthenticated: 'false' },
    },
  };
}

export function ssoGetCallerIdentity(eventID: string, eventTime: string): Json {
  return { ...base(eventID, eventTime, 'sts.amazonaws.com', 'GetCallerIdentity'), userIdentity: ssoIdentity(), sourceIPAddress: ATTACKER_IP, readOnly: true, requestParameters: null, responseElements: null };
}

export function createAccessKey(eventID = 'e-create-key', eventTime = '2026-03-14T09:03:12Z'): Json {
  return {
    ...base(eventID, eventTime, 'iam.amazonaws.com', 'CreateAccessKey'),
    userIdentity: ssoIdentity(),
    sourceIPAddress: ATTACKER_IP,
    awsRegion: 'us-east-1',
    requestParameters: { userName: 'ci-bot' },
    responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLECIBOT0001', status: 'Active', userName: 'ci-bot', createDate: 'Mar 14, 2026 9:03:12 AM' } },
  };
}

export function attachUserPolicy(eventID = 'e-attach', eventTime = '2026-03-14T09:04:40Z'): Json {
  return {
    ...base(eventID, eventTime, 'iam.amazonaws.com', 'AttachUserPolicy'),
    userIdentity: ssoIdentity(),
    sourceIPAddress: ATTACKER_IP,
    requestParameters: { userName: 'ci-bot', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    responseElements: null,
  };
}

export function assumeRoleWithWebIdentity(eventID = 'e-irsa', eventTime = '2026-03-14T09:11:00Z'): Json {
  return {
    ...base(eventID, eventTime, 'sts.amazonaws.com', 'AssumeRoleWithWebIdentity'),
    userIdentity: {
      type: 'WebIdentityUser',
      principalId: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sts.amazonaws.com:system:serviceaccount:ml-production:ml-training`,
      userName: 'system:serviceaccount:ml-production:ml-training',
      identityProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`,
    },
    sourceIPAddress: '10.0.42.17',
    userAgent: 'Boto3/1.34.60 md/Botocore#1.34.60 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.11.8',
    readOnly: true,
    requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/ml-training-irsa`, roleSessionName: 'botocore-session-1773479460', durationSeconds: 86400 },
    responseElements: {
      credentials: { accessKeyId: 'ASIAEXAMPLERUN00001', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE', expiration: 'Mar 15, 2026, 9:11:00 AM' },
      subjectFromWebIdentityToken: 'system:serviceaccount:ml-production:ml-training',
      assumedRoleUser: { assumedRoleId: 'AROAEXAMPLEIRSA00001:botocore-session-1773479460', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ml-training-irsa/botocore-session-1773479460` },
      provider: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`,
      audience: 'sts.amazonaws.com',
    },
    resources: [{ accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${ACCOUNT}:role/ml-training-irsa` }],
    sharedEventID: 'shared-irsa-1',
  };
}

export function getSecretValue(eventID: string, eventTime: string, identity: Json = irsaSessionIdentity()): Json {
  return {
    ...base(eventID, eventTime, 'secretsmanager.amazonaws.com', 'GetSecretValue'),
    userIdentity: identity,
    sourceIPAddress: '10.0.42.17',
    readOnly: true,
    requestParameters: { secretId: 'prod/db-password' },
    responseElements: null,
  };
}

export function deniedCreateUser(eventID = 'e-denied', eventTime = '2026-03-14T09:34:10Z'): Json {
  return {
    ...base(eventID, eventTime, 'iam.amazonaws.com', 'CreateUser'),
    userIdentity: ciBotIdentity(),
    sourceIPAddress: ATTACKER_IP,
    errorCode: 'AccessDenied',
    errorMessage: `User: arn:aws:iam::${ACCOUNT}:user/ci-bot is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/backdoor because no identity-based policy allows the iam:CreateUser action`,
    requestParameters: null,
    responseElements: null,
  };
}

/** A service acting for itself: sourceIPAddress and userAgent are the service's hostname. */
export function serviceDecrypt(eventID = 'e-kms', eventTime = '2026-03-14T09:20:00Z'): Json {
  return {
    ...base(eventID, eventTime, 'kms.amazonaws.com', 'Decrypt'),
    userIdentity: { type: 'AWSService', invokedBy: 'secretsmanager.amazonaws.com' },
    sourceIPAddress: 'secretsmanager.amazonaws.com',
    userAgent: 'secretsmanager.amazonaws.com',
    readOnly: true,
    requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    responseElements: null,
    resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` }],
    sharedEventID: 'shared-kms-7',
    requestID: undefined,
  };
}

/** A failed console sign-in: no errorCode, only responseElements.ConsoleLogin = Failure. */
export function consoleLoginFailure(eventID = 'e-login-fail', eventTime = '2026-03-14T08:59:00Z'): Json {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLECIBOT0001', accountId: ACCOUNT, accessKeyId: '', userName: 'ci-bot' },
    eventTime,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: REGION,
    sourceIPAddress: ATTACKER_IP,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0',
    errorMessage: 'Failed authentication',
    requestParameters: null,
    responseElements: { ConsoleLogin: 'Failure' },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' },
    eventID,
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}

export function rootConsoleLogin(eventID = 'e-root', eventTime = '2026-03-14T07:00:00Z'): Json {
  return {
    ...consoleLoginFailure(eventID, eventTime),
    userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: '' },
    errorMessage: undefined,
    responseElements: { ConsoleLogin: 'Success' },
    sourceIPAddress: '203.0.113.7',
  };
}

export function federatedUserCall(eventID = 'e-fed', eventTime = '2026-03-14T07:10:00Z'): Json {
  return {
    ...base(eventID, eventTime, 's3.amazonaws.com', 'ListBuckets'),
    userIdentity: {
      type: 'FederatedUser',
      principalId: `${ACCOUNT}:carol@example.com`,
      arn: `arn:aws:sts::${ACCOUNT}:federated-user/carol@example.com`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAEXAMPLEFED000001',
      sessionContext: {
        sessionIssuer: { type: 'IAMUser', principalId: 'AIDAEXAMPLEBROKER01', arn: `arn:aws:iam::${ACCOUNT}:user/federation-broker`, accountId: ACCOUNT, userName: 'federation-broker' },
        attributes: { creationDate: '2026-03-14T07:09:00Z', mfaAuthenticated: 'false' },
      },
    },
    readOnly: true,
    requestParameters: { Host: 's3.amazonaws.com' },
    responseElements: null,
  };
}

export function samlAssumeRole(eventID = 'e-saml', eventTime = '2026-03-14T07:20:00Z'): Json {
  return {
    ...base(eventID, eventTime, 'sts.amazonaws.com', 'AssumeRoleWithSAML'),
    userIdentity: {
      type: 'SAMLUser',
      principalId: 'SAMPLEMGJ0xKTkhSxbAAnt4zzFY=:bob@example.com',
      userName: 'bob@example.com',
      identityProvider: 'SAMPLEMGJ0xKTkhSxbAAnt4zzFY=',
    },
    requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/okta-readonly`, principalArn: `arn:aws:iam::${ACCOUNT}:saml-provider/okta`, durationSeconds: 3600 },
    responseElements: {
      credentials: { accessKeyId: 'ASIAEXAMPLESAML00001', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE2', expiration: 'Mar 14, 2026, 8:20:00 AM' },
      assumedRoleUser: { assumedRoleId: 'AROAEXAMPLEOKTARO001:bob@example.com', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/okta-readonly/bob@example.com` },
    },
  };
}

export function identityCenterUserCall(eventID = 'e-idc', eventTime = '2026-03-14T07:30:00Z'): Json {
  return {
    ...base(eventID, eventTime, 'sso.amazonaws.com', 'ListAccounts'),
    userIdentity: {
      type: 'IdentityCenterUser',
      accountId: ACCOUNT,
      onBehalfOf: { userId: IDC_USER_ID, identityStoreArn: IDENTITY_STORE },
      credentialId: 'EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE',
    },
    readOnly: true,
    requestParameters: null,
    responseElements: null,
  };
}

/**
 * An IAM Identity Center sign-in as CloudTrail writes it since July 2025: `userIdentity` of type
 * IdentityCenterUser names the Identity Store user only by id (`onBehalfOf.userId`), no userName; the name the
 * user signed in with is in `additionalEventData.UserName` (CredentialChallenge with PASSWORD, or
 * UserAuthentication with an external IdP).
 */
export function identityCenterSignIn(eventID = 'e-idc-signin', eventTime = '2026-03-14T08:58:40Z', userName = 'alice@example.com', eventName = 'UserAuthentication'): Json {
  return {
    ...base(eventID, eventTime, 'signin.amazonaws.com', eventName),
    eventVersion: '1.11',
    userIdentity: {
      type: 'IdentityCenterUser',
      accountId: ACCOUNT,
      onBehalfOf: { userId: IDC_USER_ID, identityStoreArn: IDENTITY_STORE },
      credentialId: 'EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE',
    },
    sourceIPAddress: ATTACKER_IP,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
    requestParameters: null,
    responseElements: null,
    additionalEventData: { AuthWorkflowID: '9de74b32-8362-4a01-a524-de21df59fd83', CredentialType: eventName === 'UserAuthentication' ? 'EXTERNAL_IDP' : 'PASSWORD', UserName: userName },
    eventType: 'AwsServiceEvent',
    serviceEventDetails: { [eventName]: 'Success' },
  };
}

/** The same sign-in as CloudTrail wrote it before July 2025: type Unknown, the typed name also in userIdentity.userName. */
export function identityCenterSignInLegacy(eventID = 'e-idc-legacy', eventTime = '2026-03-14T08:58:30Z', userName = 'alice@example.com'): Json {
  return {
    ...identityCenterSignIn(eventID, eventTime, userName, 'CredentialChallenge'),
    eventVersion: '1.08',
    userIdentity: { type: 'Unknown', principalId: ACCOUNT, arn: '', accountId: ACCOUNT, accessKeyId: '', userName, onBehalfOf: { userId: IDC_USER_ID, identityStoreArn: IDENTITY_STORE } },
  };
}

/** A record with only what an event cannot do without. */
export function bareRecord(eventID = 'e-bare', eventTime = '2026-03-14T07:40:00Z'): Json {
  return { eventID, eventTime, eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances' };
}
