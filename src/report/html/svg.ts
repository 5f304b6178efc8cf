/**
 * Renders a Vega-Lite spec to an SVG string in Node (no browser, no canvas: Vega estimates text
 * widths). The view gets a loader that refuses every request, so rendering never reads a file or
 * the network whatever a spec says; our specs carry their data inline.
 */
import { type Loader, type LoggerInterface, logger, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Vega reports a failed load as a warning and a failed transform as an error, then draws on
 * without the data: here all of them fail the chart, so no chart is silently empty or wrong.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const problems: string[] = [];
  const refuse = async (uri: string): Promise<never> => {
    problems.push(`the HTML report loads no external data (asked for ${uri})`);
    throw new Error('refused');
  };
  const loader = { load: refuse, sanitize: refuse, http: refuse, file: refuse } as unknown as Loader;
  const log: LoggerInterface = logger();
  log.error = (...args: readonly unknown[]) => {
    problems.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    return log;
  };
  // Vega-Lite's warnings are about our specs (e.g. an encoding it ignores): they fail the chart too.
  const vlLog: LoggerInterface = logger();
  vlLog.warn = (...args: readonly unknown[]) => {
    problems.push(args.map(String).join(' '));
    return vlLog;
  };
  const view = new View(parse(compile(spec, { logger: vlLog }).spec), { renderer: 'none', loader, logger: log });
  try {
    const svg = await view.toSVG();
    if (problems.length > 0) throw new Error(`chart failed to render: ${problems.join('; ')}`);
    return svg;
  } finally {
    view.finalize();
  }
}
