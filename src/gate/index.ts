export * from './config.js';
export { evaluateGate, PRESENCE_CHECK, type CheckName, type CheckStatus, type GateCheck, type GateReport } from './evaluate.js';
export { formatGateReport, toJUnitXml, xmlEscape, type GateFormat } from './report.js';
