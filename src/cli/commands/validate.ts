import type { Command } from 'commander';
import { loadDataset, loadFinetuneData } from '../../dataset/load.js';

export function registerValidate(program: Command): void {
  program
    .command('validate <dataset>')
    .description('check a dataset folder (dataset.json, corpus, questions, fine-tuning files)')
    .action(async (path: string) => {
      const dataset = await loadDataset(path);
      for (const variant of Object.keys(dataset.manifest.finetune)) await loadFinetuneData(dataset, variant);
      const byCat = new Map<string, number>();
      for (const q of dataset.questions) byCat.set(q.category, (byCat.get(q.category) ?? 0) + 1);
      const counts = [...byCat].map(([c, n]) => `${c} ${n}`).join(', ');
      process.stdout.write(`ok: ${dataset.manifest.name} — ${dataset.documents.length} documents, ${dataset.questions.length} questions (${counts}), fine-tuning variants: ${Object.keys(dataset.manifest.finetune).join(', ') || 'none'}\n`);
    });
}
