import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, Kind, type FragmentDefinitionNode, type ValidationContext, type ValidationRule } from 'graphql';
import type { LimitsConfig } from '../../config/config';
import { ErrorCode } from '../../domain';
import type { RequestContext } from '../../resolvers/context';
import { operationCost } from '../limits/cost';
import { oversizedInput } from '../limits/input-size';
import type { ServerPlugin } from './types';

export interface QueryLimitsOptions {
  limits: LimitsConfig;
  /** how many sources are configured (a list of sources costs that many) */
  sourceCount: number;
}

type LimitName = 'maxTokens' | 'maxDepth' | 'maxAliases' | 'maxDirectives' | 'maxFields' | 'maxCost' | 'maxSourceQueries';

function tooComplex(limit: LimitName, max: number, found: number | undefined, what: string): GraphQLError {
  return new GraphQLError(`${what} exceeds the limit of ${max} (limits.${limit})`, {
    extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit, max, ...(found !== undefined ? { found } : {}), http: { status: 400 } },
  });
}

/** graphql-armor's rules report through us, so that each refusal carries our code and names its config key. */
function armored(limit: LimitName, max: number, what: string, rule: (onReject: (ctx: ValidationContext | null, err: GraphQLError) => void) => ValidationRule): ValidationRule {
  return rule((ctx, err) => {
    if (!ctx) return;
    const found = /found (\d+)/.exec(err.message)?.[1];
    ctx.reportError(tooComplex(limit, max, found === undefined ? undefined : Number(found), found === undefined ? what : `${what} ${found}`));
  });
}

const GRAPHQL_TOKEN_LIMIT = /Document contains more th(?:an|at) (\d+) tokens/;

/**
 * Limits on what one GraphQL operation may ask, all checked before it runs: the document's tokens (while parsing),
 * depth, aliases and directives (graphql-armor's rules), then, with the variables known, the fields once fragments
 * are expanded, the estimated cost (list sizes multiply through nesting, aliases count), the queries over the
 * sources it would start, and the size of every list and string argument. Each refusal is a 400 with
 * `extensions.code` QUERY_TOO_COMPLEX or INPUT_TOO_LARGE, `limit` naming the key, `max` and `found`.
 */
export function useQueryLimits(opts: QueryLimitsOptions): ServerPlugin {
  const { limits } = opts;
  const common = { propagateOnRejection: false, exposeLimits: true } as const;
  const validationRules: ValidationRule[] = [
    armored('maxDepth', limits.maxDepth, 'query depth', (onReject) => maxDepthRule({ ...common, n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, onReject: [onReject] })),
    armored('maxAliases', limits.maxAliases, 'aliases', (onReject) => maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [onReject] })),
    armored('maxDirectives', limits.maxDirectives, 'directives', (onReject) => maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: [onReject] })),
  ];

  const apollo: ApolloServerPlugin<RequestContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          const variables = request.variables ?? {};
          const oversized = oversizedInput(document, variables, limits);
          if (oversized) {
            const what = oversized.limit === 'maxListValues' ? `${oversized.found} values` : `${oversized.found} characters`;
            throw new GraphQLError(`${oversized.where}: ${what} exceeds the limit of ${oversized.max} (limits.${oversized.limit})`, {
              extensions: { code: ErrorCode.INPUT_TOO_LARGE, limit: oversized.limit, max: oversized.max, found: oversized.found, where: oversized.where, http: { status: 400 } },
            });
          }
          if (!operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
          const cost = operationCost(schema, operation, fragments, variables, { sourceCount: opts.sourceCount });
          if (cost.fields > limits.maxFields) throw tooComplex('maxFields', limits.maxFields, cost.fields, `${cost.fields} fields (once fragments are expanded)`);
          if (cost.sourceQueries > limits.maxSourceQueries) {
            throw tooComplex('maxSourceQueries', limits.maxSourceQueries, cost.sourceQueries, `${cost.sourceQueries} queries over the sources (a field that reads the trails, under a list, runs once per item)`);
          }
          if (cost.cost > limits.maxCost) throw tooComplex('maxCost', limits.maxCost, Math.round(cost.cost), `estimated cost ${Math.round(cost.cost)} (each field once per time it resolves; a page of \`first\` multiplies what is below it)`);
        },
        async willSendResponse({ response }) {
          // graphql-js stops parsing at maxTokens with a syntax error: say which limit it is
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors) return;
          response.body.singleResult.errors = errors.map((e) => {
            const m = GRAPHQL_TOKEN_LIMIT.exec(e.message);
            if (!m || e.extensions?.code !== 'GRAPHQL_PARSE_FAILED') return e;
            return { message: `the document's tokens exceed the limit of ${limits.maxTokens} (limits.maxTokens)`, extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'maxTokens', max: limits.maxTokens } };
          });
        },
      };
    },
  };

  return { name: 'query-limits', graphql: { validationRules, plugins: [apollo], parseOptions: { maxTokens: limits.maxTokens } } };
}
