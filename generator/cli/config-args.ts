import { CONFIG_FILE, findConfig, loadConfig, type ProjectConfig } from '../schema/config/load-config.js';
import { UsageError } from './io.js';

/**
 * The project config a command without file arguments works from: `--config`, else the nearest
 * tracegen.config.yaml; a usage error when there is none. A `--config` that cannot be read
 * throws `UnreadableFileError` (exit 2).
 */
export function configFor(explicit: string | undefined, command: string): ProjectConfig {
  const file = findConfig(explicit);
  if (file === undefined)
    throw new UsageError(`${command} needs schema files, or a ${CONFIG_FILE} here or in a folder above that lists them`);
  return loadConfig(file);
}
