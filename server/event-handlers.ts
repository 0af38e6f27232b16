import type { AppDeps } from './context';

/**
 * Wires each domain's reactions to domain events (notifications, realtime messages). A domain
 * that reacts to events adds its `register…Handlers(deps)` call here.
 */
export function registerEventHandlers(deps: AppDeps): void {
  void deps;
}
