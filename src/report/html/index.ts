export { buildHtmlReport, type HtmlReportInput } from './page.js';
