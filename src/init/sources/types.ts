/** What a source (a folder, a git history) yields: each file with its versions, oldest first. */
export interface SourceVersion {
  title: string;
  text: string;
  access?: string[];
  /** Day this version appeared (git: commit date, UTC); absent: valid from the beginning. */
  validFrom?: string;
  /** Day it was replaced or the file deleted (exclusive); absent: still current. */
  validTo?: string;
  /** Commit that wrote this version (git sources). */
  commit?: string;
}

export interface SourceFile {
  /** Path relative to the source root, with `/` separators. */
  path: string;
  versions: SourceVersion[];
}

export interface Source {
  kind: 'folder' | 'git';
  root: string;
  files: SourceFile[];
  /** Git sources: the commits read (oldest and newest) and how many. */
  commits?: { first: string; last: string; count: number };
}
