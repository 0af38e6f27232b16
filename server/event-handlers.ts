import { modules } from '../schema/modules';
import type { AppDeps } from './context';

/** Wires each domain's reactions to domain events (notifications, realtime messages), from the module list. */
export function registerEventHandlers(deps: AppDeps): void {
  for (const module of modules) module.handlers?.(deps);
}
