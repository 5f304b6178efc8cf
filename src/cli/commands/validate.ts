import type { Command } from 'commander';
import { hasTimeline, loadDataset, loadFinetuneData } from '../../dataset/load.js';

export function registerValidate(program: Command): void {
  program
    .command('validate <dataset>')
    .description('check a dataset folder or its dataset.json (corpus, questions, fine-tuning files)')
    .action(async (path: string) => {
      // loadDataset rejects a .jsonl path with a hint to pass the folder or dataset.json instead.
      const dataset = await loadDataset(path);
      for (const variant of Object.keys(dataset.manifest.finetune)) await loadFinetuneData(dataset, variant);
      const byCat = new Map<string, number>();
      for (const q of dataset.questions) byCat.set(q.category, (byCat.get(q.category) ?? 0) + 1);
      const timeline = hasTimeline(dataset) ? `training cutoff ${dataset.manifest.trainingCutoff}` : 'no timeline (no trainingCutoff)';
      const counts = [...byCat].map(([c, n]) => `${c} ${n}`).join(', ');
      process.stdout.write(`ok: ${dataset.manifest.name} — ${dataset.documents.length} documents, ${dataset.questions.length} questions (${counts}), fine-tuning variants: ${Object.keys(dataset.manifest.finetune).join(', ') || 'none'}, ${timeline}\n`);
    });
}
