/**
 * The whole jest run sees the demo on its pinned day, 2026-03-14: the day the README's outputs and the tests'
 * expected times were made on. Tests of the default day (yesterday) pass their own env or date explicitly.
 */
process.env.AUDITGRAPH_DEMO_DATE = '2026-03-14';
