import { ALPHABETS, stableChars, stableUuid } from './prng';

/**
 * The organisation of the demo (DEMO.md, "The organisation"): its accounts, networks and people. Everything
 * here is fixed, whatever the seed: the seed changes the day's traffic, never who works here.
 */
export const ORG = {
  oktaDomain: 'example.okta.com',
  emailDomain: 'example.com',
  awsAccount: '111122223333',
  awsRegion: 'us-east-1',
  adminRole: 'AWSReservedSSO_AdministratorAccess_3f2a1b9c',
  readOnlyRole: 'AWSReservedSSO_ReadOnly_8e7d6c5b',
  identityStoreId: 'd-9067a1b2c3',
  ciBot: 'ci-bot',
  /** ci-bot's long-standing key, used by CI all day; the attacker's new one is AKIAEXAMPLECIBOT0001 */
  ciBotKey: 'AKIAZ7CIBOTBUILD4K2Q',
  cluster: 'prod-eks',
  oidcIssuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/8F3A1C7E2B9D4E6F0A5B3C1D7E9F2A4B',
  oidcProviderArn: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/8F3A1C7E2B9D4E6F0A5B3C1D7E9F2A4B',
  k8sOidcPrefix: 'oidc:',
  propeller: 'system:serviceaccount:flyte:flytepropeller',
  flyteadmin: 'system:serviceaccount:flyte:flyteadmin',
  trainingNamespace: 'ml-production',
  trainingServiceAccount: 'ml-training',
  irsaRole: 'ml-training-irsa',
  irsaRoleArn: 'arn:aws:iam::111122223333:role/ml-training-irsa',
  gcpProject: 'acme-ml-prod',
  gcpProjectNumber: '412093857716',
  azureSubscription: '00000000-0000-0000-0000-000000000001',
  azureTenant: stableUuid('azure-tenant:example.com'),
  officeIp: '203.0.113.7',
  attackerIp: '198.51.100.23',
  /** the VPC's NAT gateway: what AWS and Okta see of calls made from inside the cluster */
  natIp: '203.0.113.50',
  ciIps: ['192.0.2.201', '192.0.2.202', '192.0.2.203'],
  flyteProjects: ['ml', 'data'],
  flyteDomains: ['development', 'production'],
} as const;

export type AwsAccess = 'admin' | 'readonly' | 'none';

export interface Person {
  name: string; // first name, also the mailbox
  displayName: string;
  email: string;
  oktaId: string;
  oktaAppUserIds: Record<string, string>;
  team: string;
  title: string;
  oktaAdmin: boolean;
  aws: AwsAccess;
  k8s: boolean;
  gcp: boolean;
  azure: boolean;
  flyte: boolean;
  azureObjectId: string;
  identityStoreUserId: string;
  /** UTC hour the working day starts, and its length */
  workStartHour: number;
  workHours: number;
  homeIp: string;
  os: 'mac' | 'linux' | 'windows';
  city: Geo;
}

export interface Geo {
  city: string;
  state: string;
  country: string;
  postalCode: string;
  lat: number;
  lon: number;
}

export const GEO = {
  london: { city: 'London', state: 'England', country: 'United Kingdom', postalCode: 'EC2A', lat: 51.5235, lon: -0.0837 },
  manchester: { city: 'Manchester', state: 'England', country: 'United Kingdom', postalCode: 'M1', lat: 53.4794, lon: -2.2453 },
  dublin: { city: 'Dublin', state: 'Leinster', country: 'Ireland', postalCode: 'D02', lat: 53.3498, lon: -6.2603 },
  newYork: { city: 'New York', state: 'New York', country: 'United States', postalCode: '10001', lat: 40.7506, lon: -73.9972 },
  austin: { city: 'Austin', state: 'Texas', country: 'United States', postalCode: '78701', lat: 30.2711, lon: -97.7437 },
  ashburn: { city: 'Ashburn', state: 'Virginia', country: 'United States', postalCode: '20147', lat: 39.0438, lon: -77.4874 },
  /** where 198.51.100.23 geolocates: a rented server */
  attacker: { city: 'Amsterdam', state: 'North Holland', country: 'Netherlands', postalCode: '1012', lat: 52.3740, lon: 4.8897 },
} as const satisfies Record<string, Geo>;

interface PersonSpec {
  name: string;
  surname: string;
  team: string;
  title: string;
  aws: AwsAccess;
  k8s?: boolean;
  gcp?: boolean;
  azure?: boolean;
  flyte?: boolean;
  oktaAdmin?: boolean;
  start: number;
  os: Person['os'];
  city: keyof typeof GEO;
}

const PEOPLE_SPECS: PersonSpec[] = [
  { name: 'alice', surname: 'Anders', team: 'ml-platform', title: 'Staff ML Platform Engineer', aws: 'admin', k8s: true, gcp: true, azure: true, flyte: true, start: 8, os: 'mac', city: 'london' },
  { name: 'bob', surname: 'Brennan', team: 'ml-platform', title: 'ML Platform Engineer', aws: 'admin', k8s: true, gcp: true, flyte: true, start: 8, os: 'linux', city: 'london' },
  { name: 'carol', surname: 'Chen', team: 'it-security', title: 'Identity & Access Lead', aws: 'readonly', azure: true, oktaAdmin: true, start: 8, os: 'mac', city: 'london' },
  { name: 'dave', surname: 'Dimitrov', team: 'infrastructure', title: 'Senior SRE', aws: 'admin', k8s: true, gcp: true, azure: true, start: 7, os: 'linux', city: 'london' },
  { name: 'erin', surname: 'Evans', team: 'data', title: 'Data Engineer', aws: 'readonly', k8s: true, gcp: true, flyte: true, start: 9, os: 'mac', city: 'manchester' },
  { name: 'frank', surname: 'Fischer', team: 'data', title: 'Data Engineer', aws: 'readonly', k8s: true, flyte: true, start: 8, os: 'windows', city: 'london' },
  { name: 'grace', surname: 'Gupta', team: 'ml', title: 'ML Engineer', aws: 'readonly', k8s: true, gcp: true, flyte: true, start: 9, os: 'mac', city: 'london' },
  { name: 'heidi', surname: 'Hansen', team: 'ml', title: 'Research Scientist', aws: 'none', k8s: true, flyte: true, start: 10, os: 'mac', city: 'dublin' },
  { name: 'ivan', surname: 'Ivanov', team: 'infrastructure', title: 'SRE', aws: 'admin', k8s: true, azure: true, start: 14, os: 'linux', city: 'newYork' },
  { name: 'judy', surname: 'Jones', team: 'finance', title: 'Finance Manager', aws: 'none', start: 9, os: 'windows', city: 'london' },
  { name: 'kevin', surname: 'Kowalski', team: 'data', title: 'Analytics Engineer', aws: 'readonly', gcp: true, flyte: true, start: 14, os: 'mac', city: 'austin' },
  { name: 'laura', surname: 'Lopez', team: 'ml', title: 'ML Engineer', aws: 'readonly', k8s: true, flyte: true, start: 8, os: 'linux', city: 'london' },
  { name: 'mike', surname: 'Murphy', team: 'infrastructure', title: 'Platform Engineer', aws: 'admin', k8s: true, azure: true, start: 8, os: 'mac', city: 'dublin' },
  { name: 'nina', surname: 'Novak', team: 'it-security', title: 'Security Engineer', aws: 'readonly', gcp: true, azure: true, start: 9, os: 'linux', city: 'london' },
  { name: 'oscar', surname: 'Ortiz', team: 'sales', title: 'Account Executive', aws: 'none', start: 15, os: 'windows', city: 'newYork' },
  { name: 'peggy', surname: 'Park', team: 'ml', title: 'Senior ML Engineer', aws: 'readonly', k8s: true, gcp: true, flyte: true, start: 8, os: 'mac', city: 'london' },
  { name: 'quinn', surname: 'Quigley', team: 'data', title: 'Data Scientist', aws: 'none', gcp: true, flyte: true, start: 9, os: 'mac', city: 'manchester' },
  { name: 'rupert', surname: 'Russo', team: 'infrastructure', title: 'Cloud Engineer', aws: 'admin', k8s: true, azure: true, start: 15, os: 'linux', city: 'austin' },
  { name: 'sybil', surname: 'Singh', team: 'ml', title: 'ML Engineer', aws: 'readonly', k8s: true, flyte: true, start: 9, os: 'windows', city: 'london' },
  { name: 'trent', surname: 'Tanaka', team: 'data', title: 'Data Engineer', aws: 'readonly', k8s: true, gcp: true, flyte: true, start: 8, os: 'linux', city: 'london' },
  { name: 'uma', surname: 'Umarov', team: 'it-security', title: 'IT Administrator', aws: 'readonly', azure: true, oktaAdmin: true, start: 14, os: 'windows', city: 'newYork' },
  { name: 'victor', surname: 'Vargas', team: 'sales', title: 'Sales Engineer', aws: 'none', start: 9, os: 'mac', city: 'london' },
  { name: 'wendy', surname: 'Wu', team: 'people', title: 'People Partner', aws: 'none', start: 9, os: 'mac', city: 'london' },
];

/** Okta user ids are 20 characters starting `00u`; alice's is `00u1alice00000000001` (DEMO.md). */
function oktaUserId(name: string, index: number): string {
  return `00u1${name}`.padEnd(17, '0') + String(index + 1).padStart(3, '0');
}

export const OKTA_APPS = [
  { key: 'aws', label: 'AWS IAM Identity Center', signOn: 'SAML_2_0' },
  { key: 'gcp', label: 'Google Workspace', signOn: 'SAML_2_0' },
  { key: 'azure', label: 'Microsoft Office 365', signOn: 'WS_FEDERATION' },
  { key: 'slack', label: 'Slack', signOn: 'SAML_2_0' },
  { key: 'github', label: 'GitHub Enterprise Cloud - Organization', signOn: 'SAML_2_0' },
  { key: 'jira', label: 'Atlassian Cloud', signOn: 'SAML_2_0' },
  { key: 'flyte', label: 'Flyte Console', signOn: 'OPENID_CONNECT' },
  { key: 'k8s', label: 'Kubernetes prod-eks', signOn: 'OPENID_CONNECT' },
] as const;

export type OktaAppKey = (typeof OKTA_APPS)[number]['key'];

export function oktaAppId(key: string): string {
  return `0oa${stableChars(`okta-app:${key}`, ALPHABETS.MIXED_ALNUM, 17)}`;
}

export const PEOPLE: readonly Person[] = PEOPLE_SPECS.map((s, i) => {
  const email = `${s.name}@${ORG.emailDomain}`;
  const appUsers: Record<string, string> = {};
  for (const app of OKTA_APPS) appUsers[app.key] = `0ua${stableChars(`okta-appuser:${app.key}:${email}`, ALPHABETS.MIXED_ALNUM, 17)}`;
  return {
    name: s.name,
    displayName: `${s.name[0].toUpperCase()}${s.name.slice(1)} ${s.surname}`,
    email,
    oktaId: oktaUserId(s.name, i),
    oktaAppUserIds: appUsers,
    team: s.team,
    title: s.title,
    oktaAdmin: s.oktaAdmin ?? false,
    aws: s.aws,
    k8s: s.k8s ?? false,
    gcp: s.gcp ?? false,
    azure: s.azure ?? false,
    flyte: s.flyte ?? false,
    azureObjectId: stableUuid(`azure-oid:${email}`),
    identityStoreUserId: `9067${stableChars(`idstore:${email}`, ALPHABETS.HEX, 6)}-${stableUuid(`idstore-user:${email}`)}`,
    workStartHour: s.start,
    workHours: s.start >= 14 ? 8 : 9,
    homeIp: `192.0.2.${10 + i}`,
    os: s.os,
    city: GEO[s.city],
  };
});

export function person(name: string): Person {
  const p = PEOPLE.find((x) => x.name === name);
  if (!p) throw new Error(`no person ${name}`);
  return p;
}

export const ALICE = person('alice');
export const BOB = person('bob');
export const CAROL = person('carol');

/** The k8s username EKS gives a person through the OIDC identity provider (username prefix `oidc:`). */
export function k8sUser(p: Person): string {
  return `${ORG.k8sOidcPrefix}${p.email}`;
}

export function ssoRoleName(access: AwsAccess): string {
  return access === 'admin' ? ORG.adminRole : ORG.readOnlyRole;
}

export function ssoSessionArn(p: Person, access: AwsAccess): string {
  return `arn:aws:sts::${ORG.awsAccount}:assumed-role/${ssoRoleName(access)}/${p.email}`;
}

/** Where a person's requests come from at a given hour: the office in London, or home. */
export function personIp(p: Person, inOffice: boolean): string {
  return inOffice && p.city === GEO.london ? ORG.officeIp : p.homeIp;
}

export function personGeo(p: Person, ip: string): Geo {
  return ip === ORG.officeIp ? GEO.london : p.city;
}

export const USER_AGENTS = {
  browser: {
    mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
    linux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
    windows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.80',
  },
  kubectl: {
    mac: 'kubectl/v1.29.2 (darwin/arm64) kubernetes/4b8e819',
    linux: 'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819',
    windows: 'kubectl.exe/v1.29.2 (windows/amd64) kubernetes/4b8e819',
  },
  awsCliPlatform: {
    mac: 'Darwin/23.3.0 exe/arm64',
    linux: 'Linux/6.5.0-21-generic exe/x86_64.ubuntu.22',
    windows: 'Windows/10 exe/AMD64',
  },
  gcloudOs: {
    mac: 'client-os/MACOSX client-os-ver/23.3.0 client-pltf-arch/arm',
    linux: 'client-os/LINUX client-os-ver/6.5.0 client-pltf-arch/x86_64',
    windows: 'client-os/WINDOWS client-os-ver/10.0.22631 client-pltf-arch/x86_64',
  },
  /** the attacker's machine */
  attackerBrowser: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0',
  attackerKubectl: 'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819',
  boto3: 'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69',
  goSdk: 'aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.149.1',
} as const;

export function awsCliAgent(os: Person['os'] | 'linux', command: string): string {
  return `aws-cli/2.15.30 Python/3.11.8 ${USER_AGENTS.awsCliPlatform[os]} prompt/off command/${command}`;
}

export function gcloudAgent(os: Person['os'], command: string, invocationId: string): string {
  return (
    `google-cloud-sdk gcloud/463.0.0 command/${command} invocation-id/${invocationId} environment/None ` +
    `environment-version/None ${USER_AGENTS.gcloudOs[os]} interactive/True from-script/False python/3.11.8 term/xterm-256color,gzip(gfe)`
  );
}

/** The cluster's worker nodes: name, private IP and instance id. */
export const K8S_NODES = [
  { name: 'ip-10-0-1-23.ec2.internal', ip: '10.0.1.23', instanceId: 'i-0a1b2c3d4e5f60718' },
  { name: 'ip-10-0-1-87.ec2.internal', ip: '10.0.1.87', instanceId: 'i-0b2c3d4e5f6071829' },
  { name: 'ip-10-0-2-71.ec2.internal', ip: '10.0.2.71', instanceId: 'i-0c3d4e5f607182930' },
  { name: 'ip-10-0-2-145.ec2.internal', ip: '10.0.2.145', instanceId: 'i-0d4e5f60718293a41' },
  { name: 'ip-10-0-3-41.ec2.internal', ip: '10.0.3.41', instanceId: 'i-0e5f60718293a4b52' },
  { name: 'ip-10-0-3-198.ec2.internal', ip: '10.0.3.198', instanceId: 'i-0f60718293a4b5c63' },
] as const;
