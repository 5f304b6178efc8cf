// The scriptable OpenAI-compatible server lives with the perf tooling that also runs it; tests use it from here.
export * from '../../src/perf/loopback-server.js';
