/**
 * `ragvft finetune --export <dir>`: a fine-tuning set written for the common open-model LoRA
 * trainers (TRL, Axolotl, Unsloth all read chat `messages` JSONL), with the exact commands to
 * train and serve it, and the `finetune` config entry that records the served model.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FinetuneExample } from '../dataset/schema.js';
import { exampleTokens } from './openai-rules.js';

export const DEFAULT_EXPORT_BASE = 'Qwen/Qwen2.5-0.5B-Instruct';

export interface ExportResult {
  dir: string;
  files: string[];
  /** Tokens of one epoch (o200k_base count: the open model's own tokenizer will differ a little). */
  tokensPerEpoch: number;
  /** The config lines recording the model once served (vLLM at its default port). */
  configSnippet: string;
}

/** Chat JSONL with `role`/`content` only: trainers reject unknown message keys (OpenAI's `weight`). */
function trainJsonl(examples: readonly FinetuneExample[]): string {
  return examples.map((ex) => JSON.stringify({ messages: ex.messages.map((m) => ({ role: m.role, content: m.content })) })).join('\n') + '\n';
}

function axolotlYaml(dir: string, base: string, epochs: number): string {
  return `# axolotl train ${join(dir, 'axolotl.yaml')}
base_model: ${base}
adapter: lora
lora_r: 16
lora_alpha: 32
lora_dropout: 0.05
lora_target_linear: true
chat_template: tokenizer_default
datasets:
  - path: ${join(dir, 'train.jsonl')}
    type: chat_template
    field_messages: messages
    message_property_mappings:
      role: role
      content: content
sequence_len: 2048
num_epochs: ${epochs}
micro_batch_size: 2
gradient_accumulation_steps: 4
learning_rate: 0.0002
output_dir: ${join(dir, 'lora')}
`;
}

function readme(name: string, dir: string, base: string, epochs: number, examples: number): string {
  const lora = join(dir, 'lora');
  return `# ${name}: LoRA fine-tuning data exported by ragvft

\`train.jsonl\`: ${examples} chat examples, one \`{"messages": [{"role", "content"}, ...]}\` per line:
the conversational format TRL's SFTTrainer, Axolotl (\`type: chat_template\`) and Unsloth read.
Each command writes the adapter to \`${lora}\`.

## Train

TRL (\`pip install trl peft\`):

    trl sft --model_name_or_path ${base} --dataset_name ${dir} \\
      --use_peft --lora_r 16 --lora_alpha 32 --lora_target_modules all-linear \\
      --num_train_epochs ${epochs} --learning_rate 2e-4 --output_dir ${lora}

Axolotl (\`pip install axolotl\`; the config is beside this file):

    axolotl train ${join(dir, 'axolotl.yaml')}

Unsloth (a library, no CLI): load the same file and train with TRL's SFTTrainer:

    from datasets import load_dataset
    from unsloth import FastLanguageModel
    model, tokenizer = FastLanguageModel.from_pretrained("${base}", max_seq_length=2048)
    model = FastLanguageModel.get_peft_model(model, r=16, lora_alpha=32)
    dataset = load_dataset("json", data_files="${join(dir, 'train.jsonl')}", split="train")
    # then trl.SFTTrainer(model=model, processing_class=tokenizer, train_dataset=dataset,
    #   args=trl.SFTConfig(num_train_epochs=${epochs}, output_dir="${lora}")).train()

## Serve (OpenAI-compatible), then benchmark

vLLM (model id \`${name}\` at http://localhost:8000/v1):

    vllm serve ${base} --enable-lora --lora-modules ${name}=${lora}

llama.cpp (convert the adapter, then serve it on the base model's GGUF):

    python convert_lora_to_gguf.py ${lora} --base <local copy of ${base}> --outfile ${join(dir, `${name}.gguf`)}
    llama-server -m <base model>.gguf --lora ${join(dir, `${name}.gguf`)} --port 8080

Ollama (Modelfile beside this file; \`ADAPTER\` takes the safetensors folder or the GGUF):

    ollama create ${name} -f ${join(dir, 'Modelfile')}

Then add the entry \`ragvft finetune --export\` printed to your config and run \`ragvft bench\`.
`;
}

export async function exportForLora(
  name: string,
  examples: readonly FinetuneExample[],
  outDir: string,
  opts: { base?: string; epochs?: number } = {},
): Promise<ExportResult> {
  const dir = resolve(outDir, name);
  const base = opts.base ?? DEFAULT_EXPORT_BASE;
  const epochs = opts.epochs ?? 3;
  await mkdir(dir, { recursive: true });
  const files: Record<string, string> = {
    'train.jsonl': trainJsonl(examples),
    'axolotl.yaml': axolotlYaml(dir, base, epochs),
    Modelfile: `FROM ${base}\nADAPTER ${join(dir, 'lora')}\n`,
    'README.md': readme(name, dir, base, epochs, examples.length),
  };
  for (const [f, text] of Object.entries(files)) await writeFile(join(dir, f), text);
  const tokensPerEpoch = examples.reduce((n, ex) => n + exampleTokens(ex, 'gpt-4o'), 0);
  const configSnippet = [
    `providers: { vllm: { type: 'openai-compatible', baseURL: 'http://localhost:8000/v1' } },`,
    `models: { fineTuned: 'vllm:${name}' },`,
    `finetune: {`,
    `  '${name}': { data: '${join(dir, 'train.jsonl')}', model: 'vllm:${name}', trainingTokens: ${tokensPerEpoch}, epochs: ${epochs} },`,
    `},`,
  ].join('\n');
  return { dir, files: Object.keys(files).map((f) => join(dir, f)), tokensPerEpoch, configSnippet };
}
