// The Nu Html Checker (vnu.jar from the vnu-jar package) run with the machine's Java on saved
// HTML files: all files in one Java start, which costs seconds, so batch them.

import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** The jar the vnu-jar package ships (its main module exports the path). */
export const VNU_JAR = String(require('vnu-jar'));

/**
 * Validates `files` and resolves to their errors: `{ file, line, column, message, extract }`.
 * vnu exits 1 when it finds errors; that is a result, not a failure of the run.
 * @param {string[]} files
 */
export function vnuErrors(files) {
  if (files.length === 0) return Promise.resolve([]);
  const args = ['-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files];
  return new Promise((resolve, reject) => {
    execFile('java', args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      let report;
      try {
        report = JSON.parse(stderr || stdout);
      } catch {
        reject(new Error(`vnu did not report JSON (${error?.message ?? 'no error'}): ${stderr || stdout}`));
        return;
      }
      resolve(
        report.messages
          .filter((m) => m.type === 'error' || m.subType === 'fatal' || m.type === 'non-document-error')
          .map((m) => ({
            file: m.url?.startsWith('file:') ? fileURLToPath(m.url) : m.url,
            line: m.lastLine,
            column: m.firstColumn ?? m.lastColumn,
            message: m.message,
            extract: m.extract,
          })),
      );
    });
  });
}
